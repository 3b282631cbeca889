namespace NetComm.Testing;

/// <summary>
/// The event ids <see cref="TestMailServer"/> logs with (NetComm's range for test servers, 4000-4099). The transport
/// underneath logs its own (1000-1099) under the category <c>NetComm.Testing.Transport</c>.
/// </summary>
public static class TestMailServerEventIds
{
    /// <summary>The server started; the message names its four ports.</summary>
    public const int ServerStarted = 4000;

    /// <summary>The server stopped.</summary>
    public const int ServerStopped = 4001;

    /// <summary>A session began (SMTP or POP3).</summary>
    public const int SessionStarted = 4010;

    /// <summary>A session ended.</summary>
    public const int SessionEnded = 4011;

    /// <summary>A session ended on a network error or timeout.</summary>
    public const int SessionFailed = 4012;

    /// <summary>The server closed a session at a limit: a line or session deadline, or too many bad commands in a row.</summary>
    public const int SessionLimitReached = 4013;

    /// <summary>A command line from the client (Trace; AUTH payloads and passwords are replaced by ********).</summary>
    public const int CommandReceived = 4020;

    /// <summary>A reply line to the client (Trace).</summary>
    public const int ReplySent = 4021;

    /// <summary>A session switched to TLS.</summary>
    public const int TlsStarted = 4022;

    /// <summary>A client authenticated.</summary>
    public const int Authenticated = 4030;

    /// <summary>A client's credentials were refused.</summary>
    public const int AuthenticationFailed = 4031;

    /// <summary>A message was accepted and stored.</summary>
    public const int MessageAccepted = 4040;

    /// <summary>A message was refused (size, strict mode, or an injected fault).</summary>
    public const int MessageRejected = 4041;

    /// <summary>A POP3 session ended with QUIT and removed the messages it deleted.</summary>
    public const int MaildropUpdated = 4050;

    /// <summary>A client broke the protocol (see <see cref="TestMailServer.ProtocolViolations"/>).</summary>
    public const int ProtocolViolation = 4060;

    /// <summary>An injected fault fired.</summary>
    public const int FaultInjected = 4070;
}
