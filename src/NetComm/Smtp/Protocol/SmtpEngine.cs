using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;

namespace NetComm.Smtp.Protocol;

/// <summary>
/// The SMTP protocol engine: session state and every conversation step, written once and driven by both
/// the synchronous and asynchronous public API through the <see cref="IIo"/> adapter.
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
    }

    public bool IsConnected => _connection is not null;

    public bool IsAuthenticated { get; private set; }

    public SmtpCapabilities Capabilities { get; private set; } = SmtpCapabilities.None;

    public SmtpReply? Greeting { get; private set; }

    public MailConnection? Connection => _connection;

    private MailConnection Live => _connection ?? throw new InvalidOperationException("The SMTP client is not connected: call Connect first.");

    public async ValueTask ConnectAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (_connection is not null)
        {
            throw new InvalidOperationException("The SMTP client is already connected.");
        }

        using var scope = MailTelemetry.Start("smtp", "connect", _options.Host, _options.EffectivePort);
        _connection = _transportForTests?.Invoke()
            ?? await MailConnection.ConnectAsync<TIo>(_options, "SMTP", cancellationToken).ConfigureAwait(false);
        Greeting = await ReadGreetingAsync<TIo>(cancellationToken).ConfigureAwait(false);
        if (Greeting.Code != 220)
        {
            var refusal = Greeting;
            Break();
            throw new SmtpCommandException($"The SMTP server refused service: {refusal}", SmtpErrorCode.ServiceNotAvailable, refusal);
        }

        await HelloAsync<TIo>(cancellationToken).ConfigureAwait(false);
        var mode = _options.EffectiveTlsMode;
        if (!Live.IsTls && mode is TlsMode.StartTlsRequired or TlsMode.StartTlsWhenAvailable)
        {
            await StartTlsAsync<TIo>(mode == TlsMode.StartTlsRequired, cancellationToken).ConfigureAwait(false);
        }

        SmtpLog.Connected(_logger, _options.Host, _options.EffectivePort, Live.IsTls ? Live.Tcp.TlsProtocol.ToString() : "none");
        scope.Succeed();
    }

    private async ValueTask<SmtpReply> ReadGreetingAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        try
        {
            return await ReadReplyAsync<TIo>(cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e) when (!Live.IsTls)
        {
            // A server on an implicit-TLS port waits for our ClientHello and never greets in plaintext.
            throw new TlsModeMismatchException(
                $"{_options.Host}:{_options.EffectivePort} sent no greeting within {_options.CommandTimeout.TotalSeconds:0.#} s. " +
                "If the port expects TLS from the first byte (usually 465), use TlsMode.ImplicitTls.",
                TlsMode.ImplicitTls,
                e);
        }
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

        throw new SmtpCommandException($"The SMTP server refused EHLO and HELO: {reply}", SmtpErrorCode.CommandRejected, reply);
    }

    private async ValueTask StartTlsAsync<TIo>(bool required, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (!Capabilities.Supports(SmtpExtensions.StartTls))
        {
            if (required)
            {
                throw new MailSecurityException(
                    $"The SMTP server {_options.Host}:{_options.EffectivePort} does not offer STARTTLS, and TLS is required; nothing was sent. " +
                    "If the port expects TLS from the first byte (usually 465), use TlsMode.ImplicitTls.");
            }

            SmtpLog.TlsNotAvailable(_logger, _options.Host, _options.EffectivePort);
            Live.Transcript.Note("STARTTLS not offered: continuing WITHOUT TLS (StartTlsWhenAvailable)");
            return;
        }

        var reply = await CommandAsync<TIo>("STARTTLS", null, cancellationToken).ConfigureAwait(false);
        if (reply.Code != 220)
        {
            if (required)
            {
                throw new MailSecurityException($"The SMTP server refused STARTTLS ({reply}), and TLS is required; nothing was sent.") { ServerReply = reply.ToString() };
            }

            SmtpLog.TlsNotAvailable(_logger, _options.Host, _options.EffectivePort);
            return;
        }

        await Live.StartTlsAsync<TIo>(cancellationToken).ConfigureAwait(false);

        // RFC 3207: everything learned before TLS is discarded, and the client says hello again.
        _mechanismsBeforeTls = Capabilities.AuthenticationMechanisms;
        Capabilities = SmtpCapabilities.None;
        await HelloAsync<TIo>(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask NoopAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
        => Expect(await CommandAsync<TIo>("NOOP", null, cancellationToken).ConfigureAwait(false), 250, "NOOP");

    public async ValueTask ResetAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
        => Expect(await CommandAsync<TIo>("RSET", null, cancellationToken).ConfigureAwait(false), 250, "RSET");

    public async ValueTask QuitAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        try
        {
            if (_connection is not null)
            {
                await CommandAsync<TIo>("QUIT", null, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Break();
        }
    }

    /// <summary>Sends one command line and reads its reply.</summary>
    private async ValueTask<SmtpReply> CommandAsync<TIo>(string command, string? shown, CancellationToken cancellationToken)
        where TIo : IIo
    {
        await Live.WriteCommandAsync<TIo>(command, shown, cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync<TIo>(cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<SmtpReply> ReadReplyAsync<TIo>(CancellationToken cancellationToken, bool finalReply = false)
        where TIo : IIo
        => SmtpReplyReader.ReadAsync<TIo>(Live, _options, finalReply ? _options.DataTimeout : _options.CommandTimeout, cancellationToken);

    private static void Expect(SmtpReply reply, int code, string command)
    {
        if (reply.Code != code)
        {
            throw new SmtpCommandException($"The SMTP server refused {command}: {reply}", SmtpErrorCode.CommandRejected, reply) { Command = command };
        }
    }

    /// <summary>Closes the connection; the one place a session ends, whatever the reason.</summary>
    public void Break()
    {
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            connection.Dispose();
            IsAuthenticated = false;
            Capabilities = SmtpCapabilities.None;
            SmtpLog.Disconnected(_logger, _options.Host, _options.EffectivePort);
        }
    }

    public void Dispose() => Break();
}
