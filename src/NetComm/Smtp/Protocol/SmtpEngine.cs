using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;

namespace NetComm.Smtp.Protocol;

/// <summary>
/// The SMTP protocol engine: every conversation step, written once and driven by both the synchronous and
/// asynchronous public API through the <see cref="IIo"/> adapter. Session rules (one operation at a time,
/// state checks, what a failure does to the session) live in <see cref="MailSessionGate"/>, shared with POP3.
/// </summary>
internal sealed partial class SmtpEngine : IDisposable
{
    private readonly SmtpClientOptions _options;
    private readonly ILogger _logger;
    private MailConnection? _connection;
    private IReadOnlyList<string> _mechanismsBeforeTls = [];

    private readonly Func<MailConnection>? _transportForTests;

    public SmtpEngine(SmtpClientOptions options, Func<MailConnection>? transportForTests = null)
    {
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
        _transportForTests = transportForTests;
        Gate = new MailSessionGate(MailProtocol.Smtp, options, () => _connection, Break);
    }

    /// <summary>The session's state and the runner of every public operation.</summary>
    public MailSessionGate Gate { get; }

    public SmtpCapabilities Capabilities { get; private set; } = SmtpCapabilities.None;

    public SmtpReply? Greeting { get; private set; }

    public MailConnection? Connection => _connection;

    private MailConnection Live => _connection ?? throw new InvalidOperationException("The SMTP client is not connected: call Connect first.");

    public async ValueTask ConnectAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        using var scope = MailTelemetry.Start("smtp", "connect", _options.Host, _options.EffectivePort);
        _connection = _transportForTests?.Invoke()
            ?? await MailConnection.ConnectAsync<TIo>(_options, MailProtocol.Smtp, cancellationToken).ConfigureAwait(false);
        Gate.MoveTo(_connection.IsTls ? MailSessionState.Secured : MailSessionState.Connected);
        Greeting = await ReadReplyAsync<TIo>(MailConnection.Greeting, cancellationToken).ConfigureAwait(false);
        if (Greeting.Code != 220)
        {
            throw new SmtpCommandException($"The SMTP server refused service: {Greeting}", SmtpErrorCode.ServiceNotAvailable, Greeting) { EndsSession = true };
        }

        await HelloAsync<TIo>(cancellationToken).ConfigureAwait(false);
        var upgraded = await StartTlsNegotiation.RunAsync<TIo>(
            Live,
            _options,
            _logger,
            Capabilities.Supports(SmtpExtensions.StartTls),
            async token =>
            {
                var reply = await CommandAsync<TIo>("STARTTLS", null, token).ConfigureAwait(false);
                return reply.Code == 220 ? null : reply.ToString();
            },
            cancellationToken).ConfigureAwait(false);
        if (upgraded)
        {
            // RFC 3207: everything learned before TLS is discarded, and the client says hello again.
            Gate.MoveTo(MailSessionState.Secured);
            _mechanismsBeforeTls = Capabilities.AuthenticationMechanisms;
            Capabilities = SmtpCapabilities.None;
            await HelloAsync<TIo>(cancellationToken).ConfigureAwait(false);
        }

        MailProtocol.Smtp.LogConnected(_logger, _options.Host, _options.EffectivePort, Live.TlsSummary);
        scope.Succeed();
    }

    private async ValueTask HelloAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        var name = _options.LocalDomain ?? SmtpLocalDomain.Derive(Live.Tcp.LocalEndPoint);
        var reply = await CommandAsync<TIo>($"EHLO {name}", null, cancellationToken).ConfigureAwait(false);
        if (reply.Code == 250)
        {
            Capabilities = EhloParser.Parse(reply);
            return;
        }

        if (reply.Code is 500 or 502 or 504 or 550)
        {
            reply = await CommandAsync<TIo>($"HELO {name}", null, cancellationToken).ConfigureAwait(false);
            if (reply.Code == 250)
            {
                Capabilities = SmtpCapabilities.None;
                return;
            }
        }

        throw new SmtpCommandException($"The SMTP server refused EHLO and HELO: {reply}", SmtpErrorCode.CommandRejected, reply) { EndsSession = true };
    }

    public async ValueTask NoopAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
        => Expect(await CommandAsync<TIo>("NOOP", null, cancellationToken).ConfigureAwait(false), 250, "NOOP");

    public async ValueTask ResetAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
        => Expect(await CommandAsync<TIo>("RSET", null, cancellationToken).ConfigureAwait(false), 250, "RSET");

    /// <summary>QUIT, then close; the session ends whatever the server answers.</summary>
    public async ValueTask QuitAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (_connection is null)
        {
            return;
        }

        try
        {
            await CommandAsync<TIo>("QUIT", null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Close(MailSessionState.Disconnected);
        }
    }

    /// <summary>Sends one command line and reads its reply.</summary>
    private async ValueTask<SmtpReply> CommandAsync<TIo>(string command, string? shown, CancellationToken cancellationToken)
        where TIo : IIo
    {
        await Live.WriteCommandAsync<TIo>(command, shown, cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync<TIo>(shown ?? command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the reply to <paramref name="replyTo"/> under the command timeout (the data timeout for the reply to a message).</summary>
    private ValueTask<SmtpReply> ReadReplyAsync<TIo>(string replyTo, CancellationToken cancellationToken, bool finalReply = false)
        where TIo : IIo
        => SmtpReplyReader.ReadAsync<TIo>(Live, _options, replyTo, ReplyTimeout(replyTo, finalReply), cancellationToken);

    private TimeSpan ReplyTimeout(string replyTo, bool finalReply)
        => replyTo == MailConnection.Greeting ? _options.GreetingTimeout : finalReply ? _options.DataTimeout : _options.CommandTimeout;

    private static void Expect(SmtpReply reply, int code, string command)
    {
        if (reply.Code != code)
        {
            throw new SmtpCommandException($"The SMTP server refused {command}: {reply}", SmtpErrorCode.CommandRejected, reply) { Command = command };
        }
    }

    /// <summary>Ends the session after a failure: the one place a broken session is closed and logged.</summary>
    public void Break(Exception? reason)
    {
        if (reason is not null && _connection is not null && reason is not OperationCanceledException)
        {
            MailProtocol.Smtp.LogSessionFailed(_logger, _options.Host, _options.EffectivePort, reason);
        }

        Close(MailSessionState.Broken);
    }

    private void Close(MailSessionState state)
    {
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            connection.Dispose();
            Capabilities = SmtpCapabilities.None;
            Greeting = null;
            AuthenticationMechanism = null;
            Gate.MoveTo(state);
            MailProtocol.Smtp.LogDisconnected(_logger, _options.Host, _options.EffectivePort);
        }
        else if (state == MailSessionState.Broken)
        {
            // A connect that failed before a connection existed is a failure too, as in POP3.
            Gate.MoveTo(state);
        }
    }

    public void Dispose() => Close(MailSessionState.Disconnected);
}
