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
    /// <summary>Lines a multi-line listing may have: far more than any maildrop, far less than memory allows.</summary>
    private const int MaxListingLines = 5_000_000;

    private readonly Pop3ClientOptions _options;
    private readonly ILogger _logger;
    private readonly MailConnection _connection;
    private readonly SortedSet<int> _pendingDeletions = [];
    private readonly Dictionary<int, long> _sizes = [];
    private bool _closed;

    private Pop3Session(Pop3ClientOptions options, ILogger logger, MailConnection connection, string greeting)
    {
        _options = options;
        _logger = logger;
        _connection = connection;
        Greeting = greeting;
        ApopTimestamp = ApopDigest.TimestampOf(greeting);
        Capabilities = Pop3Capabilities.None(ApopTimestamp is not null);
    }

    /// <summary>The greeting's text after <c>+OK</c>.</summary>
    public string Greeting { get; }

    /// <summary>The APOP timestamp of the greeting (with its angle brackets), or null.</summary>
    public string? ApopTimestamp { get; }

    /// <summary>The capabilities in force (read over TLS when TLS is used, re-read after login).</summary>
    public Pop3Capabilities Capabilities { get; private set; }

    /// <summary>The capabilities read before STLS, or null when there was no STLS.</summary>
    public Pop3Capabilities? CapabilitiesBeforeTls { get; private set; }

    public bool IsAuthenticated { get; private set; }

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
    public void Close()
    {
        _closed = true;
        _connection.Dispose();
    }

    public void Dispose() => Close();

    /// <summary>Logs the failure that ends this session and closes it.</summary>
    public void Fail(Exception error)
    {
        if (_closed)
        {
            return;
        }

        Pop3Log.ConnectionFailed(_logger, error, Host, _pendingDeletions.Count);
        Close();
    }

    private ValueTask SendAsync<TIo>(string command, string? shown, CancellationToken cancellationToken)
        where TIo : IIo
        => _connection.WriteCommandAsync<TIo>(command, shown, cancellationToken);

    private async ValueTask<Pop3Reply> ReadReplyAsync<TIo>(string shownCommand, CancellationToken cancellationToken)
        where TIo : IIo
    {
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
    /// <see cref="MailClientOptions.MaxLineLength"/>, with the stuffed leading dot removed.
    /// </summary>
    private async ValueTask ReadListingAsync<TIo>(string command, LineHandler onLine, CancellationToken cancellationToken)
        where TIo : IIo
    {
        for (var count = 0; ; count++)
        {
            if (count > MaxListingLines)
            {
                throw new MailProtocolException($"The POP3 server's reply to {command} goes on past {MaxListingLines:N0} lines.");
            }

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

    private async ValueTask<List<string>> ReadListingLinesAsync<TIo>(string command, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var lines = new List<string>();
        await ReadListingAsync<TIo>(command, line => lines.Add(Encoding.UTF8.GetString(line)), cancellationToken).ConfigureAwait(false);
        return lines;
    }

    /// <summary>Rejects argument text that would end the command line early and smuggle in another command.</summary>
    private static void CheckCommandArgument(string value, string name)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException($"The {name} must not contain CR, LF or NUL.", name);
        }
    }

    private delegate void LineHandler(ReadOnlySpan<byte> line);
}
