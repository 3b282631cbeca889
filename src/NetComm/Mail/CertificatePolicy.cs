using System.Collections.Generic;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace NetComm.Mail;

/// <summary>
/// How a mail client decides to trust the server's certificate. Validation is always on; there is no
/// global "accept all" switch. Without a <see cref="Validation"/> callback the host name is always checked,
/// pinned certificates included; with one, the callback's answer is final (it receives the platform's verdict).
/// </summary>
public sealed class CertificatePolicy
{
    /// <summary>
    /// An extra check, called with the platform's verdict in <c>sslPolicyErrors</c>; its answer is final.
    /// Use it for a private CA. Applies to this client only.
    /// </summary>
    public RemoteCertificateValidationCallback? Validation { get; set; }

    /// <summary>How revocation is checked.</summary>
    public RevocationCheck Revocation { get; set; } = RevocationCheck.NoCheck;

    /// <summary>
    /// Certificates to trust by pin even when no CA vouches for them (self-hosted servers): each entry is
    /// a SHA-256 certificate thumbprint in hex, or <c>sha256/BASE64</c> of the SubjectPublicKeyInfo (the
    /// HPKP format, which survives certificate renewal with the same key). The host name must still match.
    /// </summary>
    public IList<string> Pins { get; } = new List<string>();

    /// <summary>Client certificates offered when the server asks.</summary>
    public X509CertificateCollection? ClientCertificates { get; set; }

    /// <summary>Allowed TLS versions; <see cref="SslProtocols.None"/> lets the OS choose (recommended).</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;
}
