using System;

namespace NetComm.Testing;

/// <summary>Which protocol a session speaks.</summary>
public enum MailProtocol
{
    /// <summary>SMTP (plain port with STARTTLS, or implicit TLS).</summary>
    Smtp,

    /// <summary>POP3 (plain port with STLS, or implicit TLS).</summary>
    Pop3,
}

/// <summary>What a client did wrong.</summary>
public enum ProtocolViolationKind
{
    /// <summary>A LF not preceded by CR (RFC 5321 §2.3.8), in DATA or on a command line.</summary>
    BareLineFeed,

    /// <summary>A CR not followed by LF (RFC 5321 §2.3.8).</summary>
    BareCarriageReturn,

    /// <summary>A line over 1000 octets with its CRLF (RFC 5321 §4.5.3.1.6), or over the configured cap.</summary>
    LineTooLong,

    /// <summary>AUTH, USER/PASS or APOP on a connection without TLS while <see cref="TestMailServerOptions.RequireTlsForAuth"/> is set.</summary>
    AuthenticationWithoutTls,

    /// <summary>A command in the wrong state: RCPT before MAIL, DATA without RCPT, MAIL before EHLO, RETR before login...</summary>
    CommandOutOfSequence,

    /// <summary>A command sent before the reply to the previous one, on a session where PIPELINING was not advertised.</summary>
    UnadvertisedPipelining,

    /// <summary>A command or parameter of an extension the server did not advertise (BDAT without CHUNKING, SIZE= after HELO...).</summary>
    UnadvertisedExtension,

    /// <summary>A command the server does not know.</summary>
    UnknownCommand,

    /// <summary>A command with malformed arguments (a path without angle brackets, a bad base64 answer...).</summary>
    SyntaxError,

    /// <summary>Bytes sent after STARTTLS/STLS and before the TLS handshake (a command injection; they were discarded).</summary>
    PlaintextAfterTlsUpgrade,

    /// <summary>8-bit octets in DATA without BODY=8BITMIME, BODY=BINARYMIME or SMTPUTF8 (RFC 6152).</summary>
    EightBitWithoutDeclaration,

    /// <summary>A non-ASCII address without the SMTPUTF8 parameter (RFC 6531).</summary>
    Utf8WithoutSmtpUtf8,

    /// <summary>A message larger than the limit, or a SIZE= declaration that was exceeded.</summary>
    MessageTooLarge,
}

/// <summary>One client mistake the test server saw.</summary>
public sealed class ProtocolViolation
{
    internal ProtocolViolation(MailProtocol protocol, ProtocolViolationKind kind, string detail, long connectionId)
    {
        Protocol = protocol;
        Kind = kind;
        Detail = detail;
        ConnectionId = connectionId;
        Time = DateTimeOffset.UtcNow;
    }

    /// <summary>The protocol of the session.</summary>
    public MailProtocol Protocol { get; }

    /// <summary>What kind of mistake.</summary>
    public ProtocolViolationKind Kind { get; }

    /// <summary>A human-readable account, for example the offending command.</summary>
    public string Detail { get; }

    /// <summary>The connection's id.</summary>
    public long ConnectionId { get; }

    /// <summary>When it happened (UTC).</summary>
    public DateTimeOffset Time { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Protocol} #{ConnectionId}: {Kind}: {Detail}";
}
