using NetComm.Mail;

namespace NetComm.Pop3;

/// <summary>
/// Settings for <see cref="Pop3Client"/>: the shared mail settings (host, <see cref="MailClientOptions.TlsMode"/>,
/// certificates, timeouts, logging) plus what is particular to POP3. Port 0 picks 995 (implicit TLS) for
/// <see cref="TlsMode.Auto"/> and <see cref="TlsMode.ImplicitTls"/>, else 110 (STLS or plaintext).
/// </summary>
public sealed class Pop3ClientOptions : MailClientOptions
{
    /// <summary>The POP3 port for plaintext and STLS (RFC 1939, RFC 2595).</summary>
    public const int PlainPort = 110;

    /// <summary>The POP3S port, TLS from the first byte (RFC 8314).</summary>
    public const int ImplicitTlsDefaultPort = 995;

    /// <summary>
    /// The login method to use, or null (the default) for the strongest one the server offers: SASL
    /// (SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN; XOAUTH2 with a token), then <c>APOP</c>,
    /// then <c>USER</c> (USER/PASS). Name a SASL mechanism, <c>APOP</c> or <c>USER</c> to force one; it must be offered.
    /// </summary>
    public string? AuthenticationMechanism { get; set; }

    /// <summary>
    /// Sends batches of commands (RETR, TOP, DELE, LIST with UIDL) in one write when the server advertises
    /// PIPELINING (RFC 2449). On by default; turn it off for a server that advertises it but mishandles it.
    /// </summary>
    public bool UsePipelining { get; set; } = true;

    /// <summary>
    /// Sends <c>UTF8</c> (RFC 6856) before logging in when the server advertises it, so that user names,
    /// passwords and headers may be UTF-8. On by default.
    /// </summary>
    public bool EnableUtf8 { get; set; } = true;

    /// <summary>
    /// What disposing a client does with messages marked by DELE and neither committed nor abandoned.
    /// The default, <see cref="Pop3DisposeAction.Abandon"/>, deletes nothing. Either way the outcome is logged.
    /// </summary>
    public Pop3DisposeAction OnDisposeWithPendingDeletions { get; set; } = Pop3DisposeAction.Abandon;

    /// <inheritdoc />
    internal override int DefaultPort(TlsMode mode) => mode == TlsMode.ImplicitTls ? ImplicitTlsDefaultPort : PlainPort;

    /// <inheritdoc />
    internal override int ImplicitTlsPort => ImplicitTlsDefaultPort;
}
