using System;
using NetComm.Mail;

namespace NetComm.Pop3;

/// <summary>
/// The POP3 server answered <c>-ERR</c>. The session is still usable (unless the refusal was the greeting):
/// the caller may go on with another command.
/// </summary>
public class Pop3CommandException : MailCommandException
{
    /// <summary>Creates the exception.</summary>
    public Pop3CommandException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public Pop3CommandException() : this("The POP3 server refused a command.") { }

    /// <summary>Creates the exception.</summary>
    public Pop3CommandException(string message) : this(message, null) { }

    /// <summary>
    /// The bracketed response code (RFC 2449, RFC 3206) without brackets, such as <c>IN-USE</c> or
    /// <c>SYS/TEMP</c> (see <see cref="Pop3ResponseCodes"/>), or null when the reply had none.
    /// </summary>
    public string? ResponseCode { get; init; }

    /// <summary>The message number (1-based, as the protocol numbers messages) the command was about, or null.</summary>
    public int? MessageNumber { get; init; }
}
