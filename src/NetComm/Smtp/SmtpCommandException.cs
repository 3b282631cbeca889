using System;
using System.Collections.Generic;
using NetComm.Mail;

namespace NetComm.Smtp;

/// <summary>
/// The server (or the client, before sending anything) refused a step. The session is still usable:
/// the transaction was reset and another message can be sent on the same connection.
/// </summary>
public sealed class SmtpCommandException : MailCommandException
{
    /// <summary>Creates the exception.</summary>
    public SmtpCommandException(string message, SmtpErrorCode errorCode, SmtpReply? reply = null)
        : base(message)
    {
        ErrorCode = errorCode;
        Reply = reply;
        if (reply is not null)
        {
            StatusCode = reply.Code;
            IsTransient = reply.IsTransient;
            ServerReply = $"{reply.Code} {reply.Text}";
        }
    }

    /// <summary>Creates the exception.</summary>
    public SmtpCommandException() : this("The SMTP server refused a command.", SmtpErrorCode.CommandRejected) { }

    /// <summary>Creates the exception.</summary>
    public SmtpCommandException(string message) : this(message, SmtpErrorCode.CommandRejected) { }

    /// <summary>Creates the exception.</summary>
    public SmtpCommandException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Which step failed.</summary>
    public SmtpErrorCode ErrorCode { get; }

    /// <summary>The server's reply, or null when the client refused before sending.</summary>
    public SmtpReply? Reply { get; }

    /// <summary>The enhanced status code of the reply, if any.</summary>
    public EnhancedStatusCode? EnhancedStatusCode => Reply?.EnhancedStatusCode;

    /// <summary>The mailbox concerned (the sender, or the first refused recipient).</summary>
    public string? Mailbox { get; init; }

    /// <summary>For <see cref="SmtpErrorCode.RecipientRejected"/>: every recipient with its reply.</summary>
    public IReadOnlyList<SmtpRecipientResult> Recipients { get; init; } = [];
}

/// <summary>
/// The connection died after the end of the message was sent and before the server's reply: the server
/// may or may not have accepted it. Distinct from "not sent" so that a retry can be weighed against a
/// duplicate. The connection is closed.
/// </summary>
public sealed class SmtpDeliveryUnknownException : MailProtocolException
{
    /// <summary>Creates the exception.</summary>
    public SmtpDeliveryUnknownException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public SmtpDeliveryUnknownException() : this("The message may or may not have been delivered.") { }

    /// <summary>Creates the exception.</summary>
    public SmtpDeliveryUnknownException(string message) : this(message, null) { }
}
