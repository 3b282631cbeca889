using System;
using System.Collections.Generic;
using NetComm.Mail;

namespace NetComm.Smtp;

/// <summary>
/// Some messages of a batch were not delivered, raised by <see cref="SmtpBatchResult.EnsureAllSucceeded"/>. The
/// other messages were; <see cref="Failures"/> says, item by item, which were refused, which were not sent and
/// which have an unknown outcome.
/// </summary>
public sealed class SmtpBatchException : MailException
{
    /// <summary>Creates the exception.</summary>
    public SmtpBatchException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public SmtpBatchException() : this("Some messages of an SMTP batch were not delivered.") { }

    /// <summary>Creates the exception.</summary>
    public SmtpBatchException(string message) : this(message, null) { }

    /// <summary>The items that failed, each with its index and error.</summary>
    public IReadOnlyList<SmtpBatchItem> Failures { get; init; } = [];

    /// <summary>The indexes of the messages the server accepted.</summary>
    public IReadOnlyList<int> Succeeded { get; init; } = [];
}
