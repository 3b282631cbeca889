using System;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Smtp.Protocol;

namespace NetComm.Smtp;

/// <summary>
/// A hand-written ESMTP client over <see cref="SslStream"/>: secure by default, pipelined, streaming,
/// with typed results and errors. Sync and async calls share one engine. Not thread-safe: one operation at a time.
/// </summary>
public sealed class SmtpClient : ISmtpClient
{
    private readonly SmtpClientOptions _options;
    private readonly SmtpEngine _engine;

    /// <summary>Creates a client; nothing happens on the network until <see cref="Connect"/>.</summary>
    public SmtpClient(SmtpClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _engine = new SmtpEngine(options);
    }

    /// <summary>A client whose "connection" is the given stream: unit tests script the server this way.</summary>
    internal SmtpClient(SmtpClientOptions options, Stream transport)
    {
        _options = options;
        _engine = new SmtpEngine(options, () => MailConnection.Over(new Transport.TcpConnection(transport), options, "SMTP"));
    }

    /// <inheritdoc />
    public bool IsConnected => _engine.IsConnected;

    /// <inheritdoc />
    public bool IsAuthenticated => _engine.IsAuthenticated;

    /// <inheritdoc />
    public bool IsTls => _engine.Connection?.IsTls ?? false;

    /// <inheritdoc />
    public SslProtocols TlsProtocol => _engine.Connection?.Tcp.TlsProtocol ?? SslProtocols.None;

    /// <inheritdoc />
    public TlsCipherSuite? TlsCipherSuite => _engine.Connection?.Tcp.TlsCipherSuite;

    /// <inheritdoc />
    public SmtpReply? Greeting => _engine.Greeting;

    /// <inheritdoc />
    public SmtpCapabilities Capabilities => _engine.Capabilities;

    /// <inheritdoc />
    public void Connect(CancellationToken cancellationToken = default)
    {
        RequireState(connected: false);
        RunSync(e => e.ConnectAsync<SyncIo>(cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        RequireState(connected: false);
        return RunAsync(e => e.ConnectAsync<AsyncIo>(cancellationToken));
    }

    /// <inheritdoc />
    public void Authenticate(MailCredentials credentials, CancellationToken cancellationToken = default)
    {
        RequireUnauthenticated(credentials);
        RunSync(e => e.AuthenticateAsync<SyncIo>(credentials, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task AuthenticateAsync(MailCredentials credentials, CancellationToken cancellationToken = default)
    {
        RequireUnauthenticated(credentials);
        return RunAsync(e => e.AuthenticateAsync<AsyncIo>(credentials, cancellationToken));
    }

    /// <inheritdoc />
    public SmtpSendResult Send(MimeMessage message, CancellationToken cancellationToken = default)
        => Send(message, SmtpEnvelope.FromMessage(message), null, cancellationToken);

    /// <inheritdoc />
    public Task<SmtpSendResult> SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
        => SendAsync(message, SmtpEnvelope.FromMessage(message), null, cancellationToken);

    /// <inheritdoc />
    public SmtpSendResult Send(MimeMessage message, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return RunSync(e => e.SendAsync<SyncIo>(new Protocol.MimeContent(message), envelope, progress, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SmtpSendResult> SendAsync(MimeMessage message, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return RunAsync(e => e.SendAsync<AsyncIo>(new Protocol.MimeContent(message), envelope, progress, cancellationToken));
    }

    /// <inheritdoc />
    public SmtpSendResult SendRaw(Stream content, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return RunSync(e => e.SendAsync<SyncIo>(new RawContent(content), envelope, progress, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SmtpSendResult> SendRawAsync(Stream content, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return RunAsync(e => e.SendAsync<AsyncIo>(new RawContent(content), envelope, progress, cancellationToken));
    }

    /// <inheritdoc />
    public void Noop(CancellationToken cancellationToken = default) => RunSync(e => e.NoopAsync<SyncIo>(cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task NoopAsync(CancellationToken cancellationToken = default) => RunAsync(e => e.NoopAsync<AsyncIo>(cancellationToken));

    /// <inheritdoc />
    public void Reset(CancellationToken cancellationToken = default) => RunSync(e => e.ResetAsync<SyncIo>(cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task ResetAsync(CancellationToken cancellationToken = default) => RunAsync(e => e.ResetAsync<AsyncIo>(cancellationToken));

    /// <inheritdoc />
    public void Disconnect(CancellationToken cancellationToken = default) => RunSync(e => e.QuitAsync<SyncIo>(cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task DisconnectAsync(CancellationToken cancellationToken = default) => RunAsync(e => e.QuitAsync<AsyncIo>(cancellationToken));

    /// <summary>Closes the connection without QUIT (call <see cref="Disconnect"/> for a polite goodbye).</summary>
    public void Dispose() => _engine.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _engine.Dispose();
        return default;
    }

    // Caller mistakes are reported before the engine runs, so they never cost the session.
    private void RequireState(bool connected)
    {
        if (IsConnected != connected)
        {
            throw new InvalidOperationException(connected ? "The SMTP client is not connected: call Connect first." : "The SMTP client is already connected.");
        }
    }

    private void RequireUnauthenticated(MailCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        RequireState(connected: true);
        if (IsAuthenticated)
        {
            throw new InvalidOperationException("The SMTP client is already authenticated.");
        }
    }

    private void RunSync(Func<SmtpEngine, ValueTask> step, CancellationToken cancellationToken)
        => RunSync(async e =>
        {
            await step(e).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs a blocking engine step. The caller's token closes the socket, which is the only way to
    /// interrupt a blocked read; the step then fails and is reported as cancelled.
    /// </summary>
    private T RunSync<T>(Func<SmtpEngine, ValueTask<T>> step, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.Register(_engine.Break) : default;
        try
        {
            return step(_engine).Complete();
        }
        catch (Exception e) when (e is not MailCommandException)
        {
            _engine.Break();
            cancellationToken.ThrowIfCancellationRequested();
            throw MailConnection.Translate(e, "SMTP", _options.Host);
        }
    }

    private async Task RunAsync(Func<SmtpEngine, ValueTask> step)
        => await RunAsync(async e =>
        {
            await step(e).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    private async Task<T> RunAsync<T>(Func<SmtpEngine, ValueTask<T>> step)
    {
        try
        {
            return await step(_engine).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not MailCommandException)
        {
            // Anything but a refused command leaves the conversation in an unknown state: drop it.
            _engine.Break();
            throw MailConnection.Translate(e, "SMTP", _options.Host);
        }
    }
}
