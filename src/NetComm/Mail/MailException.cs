using System;
using System.Collections.Generic;

namespace NetComm.Mail;

/// <summary>The base of every mail client failure; carries the server's reply text when there was one.</summary>
public abstract class MailException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected MailException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>The server's reply that caused the failure, verbatim (secrets never appear here), or null.</summary>
    public string? ServerReply { get; init; }
}

/// <summary>
/// The server refused a command. The session is still usable: the caller may try something else
/// (another recipient, another message) on the same connection.
/// </summary>
public class MailCommandException : MailException
{
    /// <summary>Creates the exception.</summary>
    public MailCommandException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public MailCommandException() : this("The server refused a command.") { }

    /// <summary>Creates the exception.</summary>
    public MailCommandException(string message) : this(message, null) { }

    /// <summary>The command that was refused, with any secret replaced by <c>********</c>.</summary>
    public string? Command { get; init; }

    /// <summary>The server's numeric reply code (SMTP), or null for protocols without one (POP3) or a refusal made by the client itself.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Whether the server said the failure is temporary (SMTP 4xx, POP3 <c>[SYS/TEMP]</c>, <c>[IN-USE]</c>, <c>[LOGIN-DELAY]</c>): retry later.</summary>
    public bool IsTransient { get; init; }

    /// <summary>
    /// Whether this refusal also ended the session (an SMTP <c>421</c>, a refused greeting, a server that accepted a
    /// login without proving who it is): the connection was closed; reconnect before going on. False for ordinary
    /// refusals, after which the session is usable.
    /// </summary>
    public bool EndsSession { get; init; }
}

/// <summary>
/// The conversation broke: the connection died, the server sent something that breaks the protocol,
/// or a read hit a limit. The connection has been closed before this is thrown.
/// </summary>
public class MailProtocolException : MailException
{
    /// <summary>Creates the exception.</summary>
    public MailProtocolException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public MailProtocolException() : this("The mail protocol conversation broke.") { }

    /// <summary>Creates the exception.</summary>
    public MailProtocolException(string message) : this(message, null) { }
}

/// <summary>
/// TLS could not be had as the options demand (not offered, certificate refused, bytes injected before the
/// handshake, or the wrong TLS mode for the port). Nothing secret was sent. The connection is closed.
/// </summary>
public class MailSecurityException : MailProtocolException
{
    /// <summary>Creates the exception.</summary>
    public MailSecurityException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public MailSecurityException() : this("TLS could not be established as required.") { }

    /// <summary>Creates the exception.</summary>
    public MailSecurityException(string message) : this(message, null) { }
}

/// <summary>
/// The TLS mode does not match what the server speaks on that port: a plaintext greeting answered our TLS
/// handshake, or TLS bytes answered a plaintext command. The message says which mode and port to use.
/// </summary>
public sealed class TlsModeMismatchException : MailSecurityException
{
    /// <summary>Creates the exception.</summary>
    public TlsModeMismatchException(string message, TlsMode suggestedMode, Exception? innerException = null)
        : base(message, innerException)
    {
        SuggestedMode = suggestedMode;
    }

    /// <summary>Creates the exception.</summary>
    public TlsModeMismatchException() : this("The TLS mode does not match the server.", TlsMode.Auto) { }

    /// <summary>Creates the exception.</summary>
    public TlsModeMismatchException(string message) : this(message, TlsMode.Auto) { }

    /// <summary>Creates the exception.</summary>
    public TlsModeMismatchException(string message, Exception innerException) : this(message, TlsMode.Auto, innerException) { }

    /// <summary>The mode that would likely work.</summary>
    public TlsMode SuggestedMode { get; }
}

/// <summary>Authentication failed, or no mechanism both sides support could be used safely.</summary>
public sealed class MailAuthenticationException : MailCommandException
{
    /// <summary>Creates the exception.</summary>
    public MailAuthenticationException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public MailAuthenticationException() : this("Authentication failed.") { }

    /// <summary>Creates the exception.</summary>
    public MailAuthenticationException(string message) : this(message, null) { }

    /// <summary>The mechanism that was tried, or null when none could be.</summary>
    public string? Mechanism { get; init; }

    /// <summary>Mechanisms the server offered before TLS.</summary>
    public IReadOnlyList<string> MechanismsBeforeTls { get; init; } = [];

    /// <summary>Mechanisms the server offered after TLS (empty without TLS).</summary>
    public IReadOnlyList<string> MechanismsAfterTls { get; init; } = [];
}
