namespace NetComm.Mail;

/// <summary>Where a mail client's session stands. SMTP and POP3 clients move through the same states.</summary>
public enum MailSessionState
{
    /// <summary>No connection: call <c>Connect</c>.</summary>
    Disconnected,

    /// <summary>Connected and greeted, without TLS (only when the TLS mode allows it).</summary>
    Connected,

    /// <summary>Connected over TLS (implicit, or upgraded with STARTTLS/STLS).</summary>
    Secured,

    /// <summary>Logged in.</summary>
    Authenticated,

    /// <summary>An operation that changes server state is under way (an SMTP mail transaction, a POP3 RETR or TOP download).</summary>
    InTransaction,

    /// <summary>
    /// The last operation failed in a way that left the conversation out of step (a timeout, a protocol error, a lost
    /// connection, a cancelled read or write): the connection was closed. Call <c>Connect</c> to start again.
    /// </summary>
    Broken,
}
