using System;

namespace NetComm.Pop3;

/// <summary>
/// The server refused UIDL, so <see cref="Pop3Mailbox"/> cannot tell new messages from ones it has handed over
/// (message numbers change between sessions). <see cref="Mail.MailException.ServerReply"/> and
/// <see cref="Pop3CommandException.ResponseCode"/> carry the server's answer; the inner exception is the refusal.
/// Nothing was handed over, recorded or deleted. Use <see cref="Pop3Client"/> with message numbers for such a server.
/// </summary>
public sealed class Pop3UidlUnavailableException : Pop3CommandException
{
    /// <summary>Creates the exception.</summary>
    public Pop3UidlUnavailableException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public Pop3UidlUnavailableException() : this("The POP3 server does not support UIDL; a mailbox cannot be synced without unique ids.") { }

    /// <summary>Creates the exception.</summary>
    public Pop3UidlUnavailableException(string message) : this(message, null) { }
}
