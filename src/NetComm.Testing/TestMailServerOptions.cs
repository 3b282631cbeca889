using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace NetComm.Testing;

/// <summary>
/// Settings for <see cref="TestMailServer"/>. Change them before <see cref="TestMailServer.Start"/>; the
/// capability switches in <see cref="Smtp"/> and <see cref="Pop3"/> are read per session, so changing them
/// between two connections also works.
/// </summary>
public sealed class TestMailServerOptions
{
    /// <summary>The default <see cref="MaxMessageSize"/>: 10 MiB.</summary>
    public const long DefaultMaxMessageSize = 10 * 1024 * 1024;

    /// <summary>The default <see cref="MaxStoredBytes"/>: 256 MiB.</summary>
    public const long DefaultMaxStoredBytes = 256L * 1024 * 1024;

    /// <summary>The longest AUTH command or response line accepted whatever <see cref="MaxLineLength"/> says: 12,288 octets (RFC 4954 §4).</summary>
    public const int MaxAuthLineLength = 12_288;

    /// <summary>The users (SMTP AUTH and POP3 logins, and maildrops). Empty by default.</summary>
    public IList<TestMailUser> Users { get; } = new List<TestMailUser>();

    /// <summary>The name the server gives itself in greetings and EHLO replies.</summary>
    public string HostName { get; set; } = "localhost";

    /// <summary>
    /// The server certificate (with its private key). Null (the default) uses a self-signed ECDSA certificate for
    /// localhost, 127.0.0.1 and ::1, generated once per process; see <see cref="TestMailServer.Certificate"/>.
    /// </summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Refuse SMTP AUTH and POP3 logins on a connection without TLS (and do not advertise them there). Default true.</summary>
    public bool RequireTlsForAuth { get; set; } = true;

    /// <summary>
    /// Strict mode: besides being recorded in <see cref="TestMailServer.ProtocolViolations"/>, a client mistake that a
    /// lenient server would let pass (bare LF or CR in DATA, an over-long line, pipelining when not advertised,
    /// 8-bit data without BODY=8BITMIME) is answered with a 5xx reply (-ERR in POP3). Default false.
    /// </summary>
    public bool StrictMode { get; set; }

    /// <summary>
    /// The largest message accepted, in octets after dot-unstuffing; advertised as SIZE. A larger message is read to its
    /// end but not stored, and answered 552. Default <see cref="DefaultMaxMessageSize"/>.
    /// </summary>
    public long MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>
    /// The longest command line read, in octets without CRLF (between 512 and 65536; default 4096). A longer one is
    /// discarded and answered 500 (-ERR). Lines over RFC 5321's 1000 octets (with CRLF) below this cap are served but
    /// recorded as violations.
    /// </summary>
    public int MaxLineLength { get; set; } = 4096;

    /// <summary>The most recipients of one SMTP transaction; more are answered 452. Default 100.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>
    /// Connections served at once by each of the four listeners. Default 100. A client beyond it is answered
    /// <c>421 4.3.2</c> (SMTP) or <c>-ERR [SYS/TEMP]</c> (POP3) and closed; on the implicit TLS ports it is reset.
    /// </summary>
    public int MaxConnections { get; set; } = 100;

    /// <summary>Time one read may wait for the client before the server closes the connection. Default 30 s.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time one write may take. Default 30 s.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A connection with no traffic either way for this long is closed (counted as timed out by the transport).
    /// Default 60 s; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Once the first byte of a command line (or AUTH response) has arrived, the line must end within this time, or
    /// the server answers <c>421 4.4.2</c> (<c>-ERR</c> in POP3) and closes: a client dripping one byte at a time cannot
    /// hold a connection slot. Default 30 s; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan LineTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a session may last, from connect to close, however busy; then it is answered like a
    /// <see cref="LineTimeout"/> and closed. Default 10 minutes; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>
    /// turns it off.
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many <see cref="TestMailServer.ProtocolViolations"/> are kept; later ones are only counted in
    /// <see cref="TestMailServer.DroppedViolations"/> (a misbehaving client cannot fill memory). Default 1000.
    /// </summary>
    public int MaxViolations { get; set; } = 1000;

    /// <summary>
    /// Bad commands in a row (each recorded as a protocol violation, with no successful reply between them) after which
    /// the server answers <c>421 4.7.0</c> (<c>-ERR</c> in POP3) and closes the connection. Default 20.
    /// </summary>
    public int MaxBadCommands { get; set; } = 20;

    /// <summary>
    /// The most octets of messages kept in <see cref="TestMailServer.Messages"/> at once; a message that would pass it is
    /// answered <c>452 4.3.1</c> and not stored (<see cref="TestMailServer.Clear"/> frees the space). Default 256 MiB.
    /// </summary>
    public long MaxStoredBytes { get; set; } = DefaultMaxStoredBytes;

    /// <summary>Where the server logs (event ids in <see cref="TestMailServerEventIds"/>); null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The SMTP side's capabilities.</summary>
    public TestSmtpOptions Smtp { get; } = new();

    /// <summary>The POP3 side's capabilities.</summary>
    public TestPop3Options Pop3 { get; } = new();

    /// <summary>Adds a user and returns these options, for initialisers written as a chain.</summary>
    public TestMailServerOptions AddUser(string name, string password, params string[] addresses)
    {
        Users.Add(new TestMailUser(name, password, addresses));
        return this;
    }
}

/// <summary>
/// The SMTP extensions the test server offers. Each one is on by default and can be switched off, to test how a
/// client falls back when a server lacks it.
/// </summary>
public sealed class TestSmtpOptions
{
    /// <summary>STARTTLS (RFC 3207) on the plain SMTP port.</summary>
    public bool StartTls { get; set; } = true;

    /// <summary>AUTH (RFC 4954) with the mechanisms in <see cref="AuthMechanisms"/>.</summary>
    public bool Auth { get; set; } = true;

    /// <summary>The SASL mechanisms offered, in order; any of PLAIN, LOGIN and CRAM-MD5.</summary>
    public IList<string> AuthMechanisms { get; } = new List<string> { "PLAIN", "LOGIN", "CRAM-MD5" };

    /// <summary>PIPELINING (RFC 2920).</summary>
    public bool Pipelining { get; set; } = true;

    /// <summary>SIZE (RFC 1870), advertising <see cref="TestMailServerOptions.MaxMessageSize"/>.</summary>
    public bool Size { get; set; } = true;

    /// <summary>8BITMIME (RFC 6152).</summary>
    public bool EightBitMime { get; set; } = true;

    /// <summary>SMTPUTF8 (RFC 6531).</summary>
    public bool SmtpUtf8 { get; set; } = true;

    /// <summary>CHUNKING (RFC 3030): the BDAT command.</summary>
    public bool Chunking { get; set; } = true;

    /// <summary>BINARYMIME (RFC 3030), only offered together with <see cref="Chunking"/>. Off by default.</summary>
    public bool BinaryMime { get; set; }

    /// <summary>DSN (RFC 3461): NOTIFY, ORCPT, RET and ENVID are accepted and recorded (no notices are sent).</summary>
    public bool Dsn { get; set; } = true;

    /// <summary>ENHANCEDSTATUSCODES (RFC 2034): replies carry codes such as 2.1.0.</summary>
    public bool EnhancedStatusCodes { get; set; } = true;

    /// <summary>REQUIRETLS (RFC 8689), offered only over TLS.</summary>
    public bool RequireTlsExtension { get; set; } = true;

    /// <summary>Answer MAIL with 530 until the client has authenticated. Off by default.</summary>
    public bool RequireAuthentication { get; set; }

    /// <summary>Accept recipients that are no user's address (they are recorded in <see cref="TestMailServer.Messages"/> only). Default true.</summary>
    public bool AcceptUnknownRecipients { get; set; } = true;
}

/// <summary>The POP3 capabilities the test server offers; each is on by default and can be switched off.</summary>
public sealed class TestPop3Options
{
    /// <summary>STLS (RFC 2595) on the plain POP3 port.</summary>
    public bool Stls { get; set; } = true;

    /// <summary>USER and PASS.</summary>
    public bool User { get; set; } = true;

    /// <summary>APOP (RFC 1939): the greeting carries a timestamp.</summary>
    public bool Apop { get; set; } = true;

    /// <summary>AUTH PLAIN (RFC 5034).</summary>
    public bool SaslPlain { get; set; } = true;

    /// <summary>PIPELINING (RFC 2449).</summary>
    public bool Pipelining { get; set; } = true;

    /// <summary>TOP.</summary>
    public bool Top { get; set; } = true;

    /// <summary>UIDL.</summary>
    public bool Uidl { get; set; } = true;

    /// <summary>RESP-CODES and AUTH-RESP-CODE (RFC 2449, RFC 3206): -ERR replies carry [IN-USE], [AUTH], [SYS/TEMP] codes.</summary>
    public bool ResponseCodes { get; set; } = true;
}
