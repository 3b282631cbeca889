namespace NetComm.Mail;

/// <summary>How a mail client protects its connection. The default, <see cref="Auto"/>, is secure.</summary>
public enum TlsMode
{
    /// <summary>Implicit TLS on the well-known TLS ports (465 for SMTP, 995 for POP3); STARTTLS required everywhere else.</summary>
    Auto = 0,

    /// <summary>TLS from the first byte (SMTPS on 465, POP3S on 995).</summary>
    ImplicitTls,

    /// <summary>Connect in plaintext, then upgrade with STARTTLS/STLS; fail (sending nothing secret) if the server does not offer it.</summary>
    StartTlsRequired,

    /// <summary>
    /// Upgrade when the server offers STARTTLS/STLS, else carry on in plaintext. An explicit opt-in:
    /// an attacker can strip the offer. Whether TLS was used is reported on the client.
    /// </summary>
    StartTlsWhenAvailable,

    /// <summary>No TLS at all. Credentials are still refused unless plaintext authentication is explicitly allowed.</summary>
    None,
}
