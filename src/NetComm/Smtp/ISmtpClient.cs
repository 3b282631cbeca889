using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using NetComm.Mail;

namespace NetComm.Smtp;

/// <summary>An SMTP client (mockable). Every async method has a synchronous twin running the same engine.</summary>
public interface ISmtpClient : IDisposable, IAsyncDisposable
{
    /// <summary>Whether a session is open.</summary>
    bool IsConnected { get; }

    /// <summary>Where the session stands; <see cref="MailSessionState.Broken"/> after a failure closed the connection.</summary>
    MailSessionState State { get; }

    /// <summary>Whether the session has authenticated.</summary>
    bool IsAuthenticated { get; }

    /// <summary>Whether the session runs over TLS.</summary>
    bool IsTls { get; }

    /// <summary>The negotiated TLS version, or <see cref="SslProtocols.None"/>.</summary>
    SslProtocols TlsProtocol { get; }

    /// <summary>The negotiated cipher suite, or null without TLS.</summary>
    TlsCipherSuite? TlsCipherSuite { get; }

    /// <summary>The SASL mechanism that logged in (e.g. <c>SCRAM-SHA-256</c>), or null before a login.</summary>
    string? AuthenticationMechanism { get; }

    /// <summary>The server's greeting.</summary>
    SmtpReply? Greeting { get; }

    /// <summary>What the server supports (from the last EHLO, after TLS when TLS is on).</summary>
    SmtpCapabilities Capabilities { get; }

    /// <summary>Connects, reads the greeting, says EHLO and negotiates TLS as <see cref="MailClientOptions.TlsMode"/> says.</summary>
    void Connect(CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="Connect"/>.</summary>
    Task ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Authenticates with the strongest mechanism offered (or the one the options name); stops at the first refusal.</summary>
    void Authenticate(MailCredentials credentials, CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="Authenticate"/>.</summary>
    Task AuthenticateAsync(MailCredentials credentials, CancellationToken cancellationToken = default);

    /// <summary>Sends a message with the envelope derived from its headers (see <see cref="SmtpEnvelope.FromMessage"/>). Bcc is never transmitted.</summary>
    SmtpSendResult Send(MimeMessage message, CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="Send(MimeMessage, CancellationToken)"/>.</summary>
    Task<SmtpSendResult> SendAsync(MimeMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="Send(MimeMessage, CancellationToken)"/>, reporting progress: a first report at once (0 bytes, size not yet
    /// known), then the bytes of content written against the measured size.
    /// </summary>
    SmtpSendResult Send(MimeMessage message, IProgress<TransferProgress>? progress, CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="Send(MimeMessage, IProgress{TransferProgress}?, CancellationToken)"/>.</summary>
    Task<SmtpSendResult> SendAsync(MimeMessage message, IProgress<TransferProgress>? progress, CancellationToken cancellationToken = default);

    /// <summary>Sends a message with an explicit envelope (DSN, REQUIRETLS), reporting progress.</summary>
    SmtpSendResult Send(MimeMessage message, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="Send(MimeMessage, SmtpEnvelope, IProgress{TransferProgress}?, CancellationToken)"/>.</summary>
    Task<SmtpSendResult> SendAsync(MimeMessage message, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends the caller's bytes unchanged (for pre-signed DKIM mail), apart from SMTP framing. A seekable
    /// stream is checked first (size, 8-bit, line lengths); a non-seekable one is sent as it comes.
    /// </summary>
    SmtpSendResult SendRaw(Stream content, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="SendRaw"/>.</summary>
    Task<SmtpSendResult> SendRawAsync(Stream content, SmtpEnvelope envelope, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends many messages on this connection, each with the envelope derived from its headers. Where the server
    /// offers PIPELINING, each message's envelope goes out with the previous message's end, so a message costs one
    /// round trip. Each item has the outcome a single <see cref="Send(MimeMessage, CancellationToken)"/> would have
    /// had; a refusal does not stop the batch, a broken connection does (the later items are
    /// <see cref="SmtpNotSentException"/>). A cancellation seen between messages stops the batch there (the session
    /// is kept unless the next envelope was already pipelined); one that interrupts I/O ends the session, as for Send.
    /// </summary>
    /// <exception cref="ArgumentException">A message is null or has no recipients (nothing was sent).</exception>
    SmtpBatchResult SendBatch(IEnumerable<MimeMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="SendBatch(IEnumerable{MimeMessage}, CancellationToken)"/>.</summary>
    /// <exception cref="ArgumentException">A message is null or has no recipients (nothing was sent).</exception>
    Task<SmtpBatchResult> SendBatchAsync(IEnumerable<MimeMessage> messages, CancellationToken cancellationToken = default);

    /// <summary><see cref="SendBatch(IEnumerable{MimeMessage}, CancellationToken)"/> with an explicit envelope per message.</summary>
    /// <exception cref="ArgumentException">A message or envelope is null, or an envelope has no recipients (nothing was sent).</exception>
    SmtpBatchResult SendBatch(IEnumerable<SmtpBatchMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="SendBatch(IEnumerable{SmtpBatchMessage}, CancellationToken)"/>.</summary>
    /// <exception cref="ArgumentException">A message or envelope is null, or an envelope has no recipients (nothing was sent).</exception>
    Task<SmtpBatchResult> SendBatchAsync(IEnumerable<SmtpBatchMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Sends NOOP (keeps the session alive, checks it works).</summary>
    void Noop(CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="Noop"/>.</summary>
    Task NoopAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends RSET, abandoning any transaction in progress.</summary>
    void Reset(CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="Reset"/>.</summary>
    Task ResetAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends QUIT and closes the connection.</summary>
    void Disconnect(CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="Disconnect"/>.</summary>
    Task DisconnectAsync(CancellationToken cancellationToken = default);
}
