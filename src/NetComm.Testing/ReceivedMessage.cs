using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MimeKit;

namespace NetComm.Testing;

/// <summary>How the message content came over SMTP.</summary>
public enum MessageTransfer
{
    /// <summary>The DATA command, dot-stuffed and ended by CRLF.CRLF.</summary>
    Data,

    /// <summary>One or more BDAT chunks (RFC 3030), binary-exact.</summary>
    Bdat,
}

/// <summary>A message the test server accepted over SMTP: its envelope, its bytes, and the parsed message.</summary>
public sealed class ReceivedMessage
{
    private readonly byte[] _raw;
    private readonly Lazy<MimeMessage> _message;

    internal ReceivedMessage(string queueId, ReceivedEnvelope envelope, byte[] raw, MessageTransfer transfer, SmtpSessionInfo session)
    {
        QueueId = queueId;
        Envelope = envelope;
        _raw = raw;
        Transfer = transfer;
        Session = session;
        ReceivedAt = DateTimeOffset.UtcNow;
        _message = new Lazy<MimeMessage>(() => MimeMessage.Load(new MemoryStream(_raw, writable: false)), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The id in the server's "250 2.0.0 Ok: queued as ID" reply.</summary>
    public string QueueId { get; }

    /// <summary>MAIL FROM, RCPT TO and their parameters.</summary>
    public ReceivedEnvelope Envelope { get; }

    /// <summary>The content exactly as received, after dot-unstuffing (DATA) or as sent (BDAT); line endings are not changed.</summary>
    public ReadOnlyMemory<byte> RawData => _raw;

    /// <summary>The content parsed by MimeKit (on first use).</summary>
    public MimeMessage Message => _message.Value;

    /// <summary>DATA or BDAT.</summary>
    public MessageTransfer Transfer { get; }

    /// <summary>What the session knew when the message was accepted: HELO name, TLS, authenticated user.</summary>
    public SmtpSessionInfo Session { get; }

    /// <summary>When the message was accepted (UTC).</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>A copy of <see cref="RawData"/>.</summary>
    public byte[] ToArray() => (byte[])_raw.Clone();

    /// <inheritdoc />
    public override string ToString() => $"{QueueId} from <{Envelope.From}> to {string.Join(", ", Envelope.Recipients.Select(r => $"<{r.Address}>"))} ({_raw.Length} octets)";
}

/// <summary>The session a message came in on.</summary>
public sealed class SmtpSessionInfo
{
    internal SmtpSessionInfo(long connectionId, string? heloName, bool extended, bool isTls, bool implicitTls, string? authenticatedUser, string? authMechanism)
    {
        ConnectionId = connectionId;
        HeloName = heloName;
        Extended = extended;
        IsTls = isTls;
        ImplicitTls = implicitTls;
        AuthenticatedUser = authenticatedUser;
        AuthMechanism = authMechanism;
    }

    /// <summary>The connection's id (as in the transport's log lines).</summary>
    public long ConnectionId { get; }

    /// <summary>The name the client gave in EHLO or HELO.</summary>
    public string? HeloName { get; }

    /// <summary>True after EHLO, false after HELO.</summary>
    public bool Extended { get; }

    /// <summary>Whether the message came over TLS.</summary>
    public bool IsTls { get; }

    /// <summary>Whether that TLS was implicit (the SMTPS port) rather than STARTTLS.</summary>
    public bool ImplicitTls { get; }

    /// <summary>The user who authenticated, or null.</summary>
    public string? AuthenticatedUser { get; }

    /// <summary>The SASL mechanism used to authenticate, or null.</summary>
    public string? AuthMechanism { get; }
}

/// <summary>The SMTP envelope of a message: MAIL FROM and RCPT TO, with their parameters (RFC 5321 §3.3).</summary>
public sealed class ReceivedEnvelope
{
    internal ReceivedEnvelope(string from, IReadOnlyDictionary<string, string?> parameters, IReadOnlyList<EnvelopeRecipient> recipients)
    {
        From = from;
        Parameters = parameters;
        Recipients = recipients;
    }

    /// <summary>The reverse-path without angle brackets; empty for the null sender <c>&lt;&gt;</c>.</summary>
    public string From { get; }

    /// <summary>Every MAIL parameter as sent, keyed case-insensitively (for example SIZE, BODY, SMTPUTF8, RET, ENVID, REQUIRETLS); flags have a null value.</summary>
    public IReadOnlyDictionary<string, string?> Parameters { get; }

    /// <summary>The accepted recipients, in order.</summary>
    public IReadOnlyList<EnvelopeRecipient> Recipients { get; }

    /// <summary>BODY= (7BIT, 8BITMIME or BINARYMIME), or null.</summary>
    public string? Body => Get("BODY");

    /// <summary>Whether SMTPUTF8 was given.</summary>
    public bool SmtpUtf8 => Parameters.ContainsKey("SMTPUTF8");

    /// <summary>SIZE=, or null.</summary>
    public long? Size => long.TryParse(Get("SIZE"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size) ? size : null;

    /// <summary>DSN RET= (FULL or HDRS), or null.</summary>
    public string? Ret => Get("RET");

    /// <summary>DSN ENVID= (still xtext-encoded), or null.</summary>
    public string? EnvelopeId => Get("ENVID");

    /// <summary>Whether REQUIRETLS was given.</summary>
    public bool RequireTls => Parameters.ContainsKey("REQUIRETLS");

    private string? Get(string key) => Parameters.TryGetValue(key, out var value) ? value : null;
}

/// <summary>One accepted RCPT TO.</summary>
public sealed class EnvelopeRecipient
{
    internal EnvelopeRecipient(string address, IReadOnlyDictionary<string, string?> parameters, string? user)
    {
        Address = address;
        Parameters = parameters;
        User = user;
    }

    /// <summary>The forward-path without angle brackets.</summary>
    public string Address { get; }

    /// <summary>Every RCPT parameter as sent, keyed case-insensitively; flags have a null value.</summary>
    public IReadOnlyDictionary<string, string?> Parameters { get; }

    /// <summary>DSN NOTIFY= (for example SUCCESS,FAILURE or NEVER), or null.</summary>
    public string? Notify => Parameters.TryGetValue("NOTIFY", out var value) ? value : null;

    /// <summary>DSN ORCPT= (for example rfc822;bob@example.com, still xtext-encoded), or null.</summary>
    public string? OriginalRecipient => Parameters.TryGetValue("ORCPT", out var value) ? value : null;

    /// <summary>The user whose maildrop got the message, or null for an address no user receives.</summary>
    public string? User { get; }

    /// <inheritdoc />
    public override string ToString() => Address;
}
