namespace NetComm.Smtp;

/// <summary>Which step of the conversation a <see cref="SmtpCommandException"/> comes from.</summary>
public enum SmtpErrorCode
{
    /// <summary>The server refused a command outside a transaction (EHLO, NOOP, RSET, STARTTLS...).</summary>
    CommandRejected,

    /// <summary>The server refused service in its greeting.</summary>
    ServiceNotAvailable,

    /// <summary>MAIL FROM was refused.</summary>
    SenderRejected,

    /// <summary>One or more RCPT TO were refused (see <see cref="SmtpCommandException.Recipients"/>).</summary>
    RecipientRejected,

    /// <summary>DATA/BDAT or the message content was refused.</summary>
    MessageRejected,

    /// <summary>The message is larger than the server's SIZE limit; nothing was sent.</summary>
    MessageTooLarge,

    /// <summary>The message needs an extension the server does not offer (8BITMIME, BINARYMIME, SMTPUTF8, DSN, REQUIRETLS) or has lines over 998 octets; nothing was sent.</summary>
    ExtensionRequired,
}
