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
using NetComm.Mime;
using NetComm.Smtp.Protocol;
using Need = NetComm.Mail.Internal.MailSessionGate.Need;

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
        _engine = new SmtpEngine(options, () => MailConnection.Over(new Transport.TcpConnection(transport), options, MailProtocol.Smtp));
    }

    /// <inheritdoc />
    public MailSessionState State => Gate.State;

    /// <inheritdoc />
    public bool IsConnected => Gate.IsOpen;

    /// <inheritdoc />
    public bool IsAuthenticated => _engine.AuthenticationMechanism is not null;

    /// <inheritdoc />
    public bool IsTls => _engine.Connection?.IsTls ?? false;

    /// <inheritdoc />
    public SslProtocols TlsProtocol => _engine.Connection?.Tcp.TlsProtocol ?? SslProtocols.None;

    /// <inheritdoc />
    public TlsCipherSuite? TlsCipherSuite => _engine.Connection?.Tcp.TlsCipherSuite;

    /// <inheritdoc />
    public string? AuthenticationMechanism => _engine.AuthenticationMechanism;

    /// <inheritdoc />
    public SmtpReply? Greeting => _engine.Greeting;

    /// <inheritdoc />
    public SmtpCapabilities Capabilities => _engine.Capabilities;

    private MailSessionGate Gate => _engine.Gate;

    /// <inheritdoc />
    public void Connect(CancellationToken cancellationToken = default)
        => Gate.Run(Need.Closed, _options.EnsureUsable, t => _engine.ConnectAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task ConnectAsync(CancellationToken cancellationToken = default)
        => Gate.RunAsync(Need.Closed, _options.EnsureUsable, t => _engine.ConnectAsync<AsyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public void Authenticate(MailCredentials credentials, CancellationToken cancellationToken = default)
    {
        MailCredentials? sendable = null;
        Gate.Run(Need.Unauthenticated, () => sendable = MailCredentials.Sendable(credentials), t => _engine.AuthenticateAsync<SyncIo>(sendable!, t), cancellationToken);
    }

    /// <inheritdoc />
    public Task AuthenticateAsync(MailCredentials credentials, CancellationToken cancellationToken = default)
    {
        MailCredentials? sendable = null;
        return Gate.RunAsync(Need.Unauthenticated, () => sendable = MailCredentials.Sendable(credentials), t => _engine.AuthenticateAsync<AsyncIo>(sendable!, t), cancellationToken);
    }

    /// <inheritdoc />
    public SmtpSendResult Send(MimeMessage message, CancellationToken cancellationToken = default)
        => Send(message, EnvelopeOf(message), null, cancellationToken);

    /// <inheritdoc />
    public Task<SmtpSendResult> SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
        => SendAsync(message, EnvelopeOf(message), null, cancellationToken);

    /// <inheritdoc />
    public SmtpSendResult Send(MimeMessage message, IProgress<TransferProgress>? progress, CancellationToken cancellationToken = default)
        => Send(message, EnvelopeOf(message), progress, cancellationToken);

    /// <inheritdoc />
    public Task<SmtpSendResult> SendAsync(MimeMessage message, IProgress<TransferProgress>? progress, CancellationToken cancellationToken = default)
        => SendAsync(message, EnvelopeOf(message), progress, cancellationToken);

    /// <inheritdoc />
    public SmtpSendResult Send(MimeMessage message, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
        => Gate.Run(Need.Open, () => CheckSend(message, envelope), t => _engine.SendAsync<SyncIo>(new MimeOutgoingMessage(message), envelope, progress, t), cancellationToken);

    /// <inheritdoc />
    public Task<SmtpSendResult> SendAsync(MimeMessage message, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
        => Gate.RunAsync(Need.Open, () => CheckSend(message, envelope), t => _engine.SendAsync<AsyncIo>(new MimeOutgoingMessage(message), envelope, progress, t), cancellationToken);

    /// <inheritdoc />
    public SmtpSendResult SendRaw(Stream content, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
        => Gate.Run(Need.Open, () => CheckSend(content, envelope), t => _engine.SendAsync<SyncIo>(new RawOutgoingMessage(content), envelope, progress, t), cancellationToken);

    /// <inheritdoc />
    public Task<SmtpSendResult> SendRawAsync(Stream content, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
        => Gate.RunAsync(Need.Open, () => CheckSend(content, envelope), t => _engine.SendAsync<AsyncIo>(new RawOutgoingMessage(content), envelope, progress, t), cancellationToken);

    /// <inheritdoc />
    public void Noop(CancellationToken cancellationToken = default) => Gate.Run(Need.Open, null, t => _engine.NoopAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task NoopAsync(CancellationToken cancellationToken = default) => Gate.RunAsync(Need.Open, null, t => _engine.NoopAsync<AsyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public void Reset(CancellationToken cancellationToken = default) => Gate.Run(Need.Open, null, t => _engine.ResetAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task ResetAsync(CancellationToken cancellationToken = default) => Gate.RunAsync(Need.Open, null, t => _engine.ResetAsync<AsyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public void Disconnect(CancellationToken cancellationToken = default) => Gate.Run(Need.Any, null, t => _engine.QuitAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task DisconnectAsync(CancellationToken cancellationToken = default) => Gate.RunAsync(Need.Any, null, t => _engine.QuitAsync<AsyncIo>(t), cancellationToken);

    /// <summary>Closes the connection without QUIT (call <see cref="Disconnect"/> for a polite goodbye).</summary>
    public void Dispose() => _engine.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _engine.Dispose();
        return default;
    }

    // Caller mistakes are found before any I/O, so they never cost the session.

    private static void CheckSend(object content, SmtpEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Recipients.Count == 0)
        {
            throw new ArgumentException("The envelope has no recipients; nothing was sent.", nameof(envelope));
        }
    }

    private static SmtpEnvelope EnvelopeOf(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SmtpEnvelope.FromMessage(message);
    }
}
