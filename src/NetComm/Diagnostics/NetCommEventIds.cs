namespace NetComm.Diagnostics;

/// <summary>
/// The event ids NetComm logs with. They are part of the public contract: filter and alert on them.
/// Ranges: 1000-1099 transport, 2000-2099 SMTP, 3000-3099 POP3, 4000-4099 test servers.
/// </summary>
public static class NetCommEventIds
{
    /// <summary>A TCP server started listening.</summary>
    public const int ServerStarted = 1000;

    /// <summary>A TCP server stopped.</summary>
    public const int ServerStopped = 1001;

    /// <summary>A connection was accepted and handed to a handler.</summary>
    public const int ConnectionAccepted = 1002;

    /// <summary>A connection was refused (connection limit reached, or the server was stopping).</summary>
    public const int ConnectionRefused = 1003;

    /// <summary>A connection was closed.</summary>
    public const int ConnectionClosed = 1004;

    /// <summary>A connection handler threw an exception of its own (not a slow or vanished client); its connection was closed and the server carried on.</summary>
    public const int HandlerFailed = 1005;

    /// <summary>Accepting a connection failed (for example, the process ran out of file descriptors).</summary>
    public const int AcceptFailed = 1006;

    /// <summary>A connection was closed for being idle too long.</summary>
    public const int ConnectionIdle = 1007;

    /// <summary>A connection was closed because the client was too slow (a line or read deadline, a minimum rate, a timeout).</summary>
    public const int ConnectionTimedOut = 1008;

    /// <summary>A connection was ended by its client (reset, broken pipe, over-long line, failed TLS handshake); routine.</summary>
    public const int ClientFailed = 1009;

    /// <summary>No thread could be started for a connection (a thread or memory limit); the server refuses and backs off.</summary>
    public const int DispatchFailed = 1011;

    /// <summary>Connection threads start again after <see cref="DispatchFailed"/>.</summary>
    public const int DispatchRecovered = 1012;

    /// <summary>A handler ended because the server closed its connection (idle, stopping); routine.</summary>
    public const int HandlerEndedByServer = 1013;

    /// <summary>A UDP receive loop's handler threw; the loop carried on.</summary>
    public const int DatagramHandlerFailed = 1010;

    /// <summary>An SMTP client connected (and negotiated TLS as its mode asks).</summary>
    public const int SmtpConnected = 2000;

    /// <summary>STARTTLS was not available and the client went on without TLS (only with StartTlsWhenAvailable).</summary>
    public const int SmtpTlsNotAvailable = 2001;

    /// <summary>An SMTP client authenticated.</summary>
    public const int SmtpAuthenticated = 2002;

    /// <summary>SMTP authentication was refused.</summary>
    public const int SmtpAuthenticationFailed = 2003;

    /// <summary>A message was accepted by the SMTP server.</summary>
    public const int SmtpMessageSent = 2004;

    /// <summary>An SMTP recipient was refused.</summary>
    public const int SmtpRecipientRejected = 2005;

    /// <summary>The connection failed after a message was sent and before the server confirmed it.</summary>
    public const int SmtpDeliveryUnknown = 2006;

    /// <summary>An SMTP client disconnected.</summary>
    public const int SmtpDisconnected = 2007;

    /// <summary>An SMTP client upgraded its connection with STARTTLS.</summary>
    public const int SmtpTlsStarted = 2008;

    /// <summary>An SMTP conversation broke (protocol error, timeout, cancellation, lost connection); the connection was closed.</summary>
    public const int SmtpSessionFailed = 2009;

    /// <summary>An SMTP server's certificate was refused; the message names why, the subject, issuer, thumbprint and validity.</summary>
    public const int SmtpCertificateRejected = 2010;

    /// <summary>One line of the SMTP transcript (Trace; only with <c>MailClientOptions.LogTranscript</c>), redacted as the <c>Transcript</c> writer's.</summary>
    public const int SmtpTranscript = 2011;

    /// <summary>An SMTP client could not connect: the host did not answer, refused, or the implicit TLS handshake failed.</summary>
    public const int SmtpConnectFailed = 2012;

    /// <summary>An <c>SmtpSender</c> attempt to send a message started (which attempt, which session).</summary>
    public const int SmtpSenderAttempt = 2013;

    /// <summary>An <c>SmtpSender</c> attempt failed in a way that delivered nothing and is worth retrying (a 4xx, a failure before the end of the message); it waits, then tries again.</summary>
    public const int SmtpSenderRetrying = 2014;

    /// <summary>An <c>SmtpSender</c> gave up on a message: a permanent refusal (5xx), a TLS or login failure, or its last attempt failed; the exception went to the caller.</summary>
    public const int SmtpSenderFailed = 2015;

    /// <summary>An <c>SmtpSender</c> message's outcome is unknown (connection lost after the end of the message): reported to the caller, or sent again when <c>DeliveryUnknownPolicy.Retry</c> says so.</summary>
    public const int SmtpSenderDeliveryUnknown = 2016;

    /// <summary>An SMTP server answered 421; the <c>SmtpSender</c> pool keeps one session fewer for a while.</summary>
    public const int SmtpSenderPoolShrunk = 2017;

    /// <summary>An <c>SmtpSender</c> session was closed: its message limit, idle too long, broken by a failure, or the sender disposed.</summary>
    public const int SmtpSenderSessionClosed = 2018;

    /// <summary>An <c>SmtpSender</c> was disposed and messages still in flight after its drain timeout were cancelled.</summary>
    public const int SmtpSenderDrainTimedOut = 2019;

    /// <summary>A POP3 client connected and read the greeting and capabilities.</summary>
    public const int Pop3Connected = 3000;

    /// <summary>A POP3 client upgraded its connection with STLS.</summary>
    public const int Pop3TlsStarted = 3001;

    /// <summary>
    /// A POP3 client in opportunistic mode (<c>TlsMode.StartTlsWhenAvailable</c>) carries on without TLS because the
    /// server did not offer STLS or refused it. A warning: an attacker on the path can cause this.
    /// </summary>
    public const int Pop3ContinuingWithoutTls = 3002;

    /// <summary>A POP3 client logged in.</summary>
    public const int Pop3Authenticated = 3003;

    /// <summary>A POP3 login failed, or was refused before sending anything secret.</summary>
    public const int Pop3AuthenticationFailed = 3004;

    /// <summary>A POP3 server refused a command (-ERR); the session goes on.</summary>
    public const int Pop3CommandRefused = 3005;

    /// <summary>A POP3 message was downloaded.</summary>
    public const int Pop3MessageRetrieved = 3006;

    /// <summary>A POP3 client committed its deletions with QUIT.</summary>
    public const int Pop3DeletionsCommitted = 3007;

    /// <summary>A POP3 client abandoned its pending deletions (RSET, or closing without QUIT): nothing was deleted.</summary>
    public const int Pop3DeletionsAbandoned = 3008;

    /// <summary>A POP3 client was disposed with pending deletions; the message says whether they were committed or abandoned.</summary>
    public const int Pop3DisposedWithPendingDeletions = 3009;

    /// <summary>A POP3 conversation broke (protocol error, timeout, cancellation, lost connection); the connection was closed.</summary>
    public const int Pop3ConnectionFailed = 3010;

    /// <summary>A POP3 client switched the session to UTF-8 (RFC 6856).</summary>
    public const int Pop3Utf8Enabled = 3011;

    /// <summary>A POP3 client disconnected.</summary>
    public const int Pop3Disconnected = 3012;

    /// <summary>A POP3 server's certificate was refused; the message names why, the subject, issuer, thumbprint and validity.</summary>
    public const int Pop3CertificateRejected = 3013;

    /// <summary>One line of the POP3 transcript (Trace; only with <c>MailClientOptions.LogTranscript</c>), redacted as the <c>Transcript</c> writer's.</summary>
    public const int Pop3Transcript = 3014;

    /// <summary>A POP3 client could not connect: the host did not answer, refused, or the implicit TLS handshake failed.</summary>
    public const int Pop3ConnectFailed = 3015;

    /// <summary>A <see cref="NetComm.Pop3.Pop3Mailbox"/> sync ended with QUIT: new, already seen, deleted, pruned and failed counts.</summary>
    public const int Pop3SyncCompleted = 3016;

    /// <summary>A <see cref="NetComm.Pop3.Pop3Mailbox"/> sync could not hand one new message over (its handler threw, or RETR was refused); it comes again next sync.</summary>
    public const int Pop3SyncMessageFailed = 3017;
}
