using System;
using NetComm.Mail;

namespace NetComm.Smtp;

/// <summary>
/// A message of a batch was not sent because the batch stopped before it: an earlier message broke the connection,
/// or the caller cancelled between messages. The server never had its content, so sending it again is safe.
/// <see cref="Exception.InnerException"/> is what stopped the batch.
/// </summary>
public sealed class SmtpNotSentException : MailException
{
    /// <summary>Creates the exception.</summary>
    public SmtpNotSentException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public SmtpNotSentException() : this("The message was not sent.") { }

    /// <summary>Creates the exception.</summary>
    public SmtpNotSentException(string message) : this(message, null) { }
}
