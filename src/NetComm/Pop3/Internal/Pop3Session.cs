using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Transport;

namespace NetComm.Pop3.Internal;

/// <summary>
/// One POP3 conversation on one connection: the engine behind <see cref="Pop3Client"/>. Written once as
/// <c>XAsync&lt;TIo&gt;</c> methods for both the synchronous and the asynchronous API. It throws
/// <see cref="Pop3CommandException"/> for refusals (the session goes on) and anything else for a broken
/// conversation, after which the owner closes it.
/// </summary>
internal sealed partial class Pop3Session : IDisposable
{
    private readonly Pop3ClientOptions _options;
    private readonly ILogger _logger;
    private readonly MailConnection _connection;
    private readonly MailSessionGate _gate;
    private readonly SortedSet<int> _pendingDeletions = [];
    private readonly Dictionary<int, long> _sizes = [];
    private bool _closed;

    private Pop3Session(Pop3ClientOptions options, ILogger logger, MailConnection connection, MailSessionGate gate, Pop3Reply greeting)
    {
        _options = options;
        _logger = logger;
        _connection = connection;
        _gate = gate;
        Greeting = greeting;
        ApopTimestamp = ApopDigest.TimestampOf(greeting.Text);
        Capabilities = Pop3Capabilities.None(ApopTimestamp is not null);
    }

    /// <summary>The greeting.</summary>
    public Pop3Reply Greeting { get; }

    public MailConnection Connection => _connection;

    /// <summary>The APOP timestamp of the greeting (with its angle brackets), or null.</summary>
    public string? ApopTimestamp { get; }

    /// <summary>The capabilities in force (read over TLS when TLS is used, re-read after login).</summary>
    public Pop3Capabilities Capabilities { get; private set; }

    /// <summary>The capabilities read before STLS, or null when there was no STLS.</summary>
    public Pop3Capabilities? CapabilitiesBeforeTls { get; private set; }

    public bool IsAuthenticated => _gate.State is MailSessionState.Authenticated or MailSessionState.InTransaction;

    /// <summary>The login method that succeeded (a SASL name, APOP or USER).</summary>
    public string? AuthenticationMechanism { get; private set; }

    public bool IsUtf8 { get; private set; }

    public bool IsClosed => _closed;

    public bool IsTls => _connection.IsTls;

    public TcpConnection Tcp => _connection.Tcp;

    public string Host => _options.Host;

    public IReadOnlyCollection<int> PendingDeletions => _pendingDeletions;

    /// <summary>Whether batches go out in one write (the server offers PIPELINING and the options allow it).</summary>
    public bool IsPipelining => _options.UsePipelining && Capabilities.Pipelining;

    /// <summary>Closes the connection; whatever was pending is dropped (without QUIT the server deletes nothing).</summary>
    public void Close(MailSessionState state = MailSessionState.Disconnected)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _connection.Dispose();
        _gate.MoveTo(state);
        MailProtocol.Pop3.LogDisconnected(_logger, Host, _options.EffectivePort);
    }

    public void Dispose() => Close();

    /// <summary>Logs the failure that ends this session and closes it.</summary>
    public void Fail(Exception? error)
    {
        if (_closed)
        {
            return;
        }

        if (error is not null and not OperationCanceledException)
        {
            var pending = _pendingDeletions.Count;
            MailProtocol.Pop3.LogSessionFailed(_logger, Host, _options.EffectivePort, error, pending > 0 ? $"; {pending} pending deletion(s) were not committed" : "");
        }

        Close(MailSessionState.Broken);
    }

    private ValueTask SendAsync<TIo>(string command, string? shown, CancellationToken cancellationToken)
        where TIo : IIo
        => _connection.WriteCommandAsync<TIo>(command, shown, cancellationToken);

    /// <summary>
    /// Reads the status line of the reply to <paramref name="shownCommand"/>. Its deadline (the command timeout)
    /// also covers a multi-line body that follows, read with <see cref="ReadListingAsync"/>.
    /// </summary>
    private async ValueTask<Pop3Reply> ReadReplyAsync<TIo>(string shownCommand, CancellationToken cancellationToken)
        where TIo : IIo
    {
        _connection.BeginReply(shownCommand, _options.CommandTimeout, ReplyBudget.StatusLine(_options.MaxLineLength));
        var line = await _connection.ReadLineAsync<TIo>(cancellationToken).ConfigureAwait(false);
        return Pop3Reply.Parse(line.Span, shownCommand);
    }

    private async ValueTask<Pop3Reply> CommandAsync<TIo>(string command, string? shown, CancellationToken cancellationToken)
        where TIo : IIo
    {
        await SendAsync<TIo>(command, shown, cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync<TIo>(shown ?? command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a command and returns the text after +OK; -ERR becomes <see cref="Pop3CommandException"/>.</summary>
    private async ValueTask<string> ExpectOkAsync<TIo>(string command, string? shown, int? messageNumber, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var reply = await CommandAsync<TIo>(command, shown, cancellationToken).ConfigureAwait(false);
        return reply.IsOk ? reply.Text : throw Refused(reply, shown ?? command, messageNumber);
    }

    private Pop3CommandException Refused(Pop3Reply reply, string shownCommand, int? messageNumber = null)
    {
        Pop3Log.CommandRefused(_logger, Host, shownCommand, reply.Text);
        return reply.ToException(shownCommand, messageNumber);
    }

    /// <summary>
    /// Reads the lines of a multi-line listing (CAPA, LIST, UIDL) up to the "." line, each bounded by
    /// <see cref="MailClientOptions.MaxLineLength"/>, the whole by <paramref name="budget"/> and by the deadline
    /// of the reply's status line, with the stuffed leading dot removed.
    /// </summary>
    private async ValueTask ReadListingAsync<TIo>(ReplyBudget budget, LineHandler onLine, CancellationToken cancellationToken)
        where TIo : IIo
    {
        _connection.WidenReply(budget);
        while (true)
        {
            var line = await _connection.ReadLineAsync<TIo>(cancellationToken).ConfigureAwait(false);
            var span = line.Span;
            if (span.Length > 0 && span[0] == '.')
            {
                if (span.Length == 1)
                {
                    return;
                }

                span = span[1..];
            }

            onLine(span);
        }
    }

    /// <summary>A small listing (CAPA) as strings, under the same budget as an SMTP reply.</summary>
    private async ValueTask<List<string>> ReadListingLinesAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        var lines = new List<string>();
        await ReadListingAsync<TIo>(new ReplyBudget(_options.MaxReplyLines, _options.MaxReplyBytes), line => lines.Add(Encoding.UTF8.GetString(line)), cancellationToken).ConfigureAwait(false);
        return lines;
    }

    private delegate void LineHandler(ReadOnlySpan<byte> line);
}
