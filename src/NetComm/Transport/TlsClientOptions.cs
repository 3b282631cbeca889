using System;
using System.Collections.Generic;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using NetComm.Transport.Internal;

namespace NetComm.Transport;

/// <summary>
/// How a client secures a connection with TLS: the one TLS settings type of NetComm, used by
/// <see cref="TcpConnection"/> and by the SMTP and POP3 clients. Validation is always on; there is no global
/// "accept all" switch. Without a <see cref="CertificateValidation"/> callback the host name is always checked,
/// pinned certificates included; with one, the callback's answer is final.
/// </summary>
public sealed class TlsClientOptions
{
    /// <summary>
    /// The server name to check the certificate against and to send as SNI. Defaults to the host connected to;
    /// set it when connecting by IP address to a server whose certificate names its host.
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>
    /// An extra validation step, called with the platform's verdict in <c>sslPolicyErrors</c>; its answer is final.
    /// When null, only certificates the platform trusts for <see cref="TargetHost"/> (or pinned ones) are accepted.
    /// </summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }

    /// <summary>
    /// Certificates to trust by pin even when no CA vouches for them (self-hosted servers): each entry is
    /// a SHA-256 certificate thumbprint in hex, or <c>sha256/BASE64</c> of the SubjectPublicKeyInfo (the
    /// HPKP format, which survives certificate renewal with the same key). The host name must still match.
    /// </summary>
    public IList<string> Pins { get; } = new List<string>();

    /// <summary>Client certificates offered to the server, if it asks.</summary>
    public X509CertificateCollection? ClientCertificates { get; set; }

    /// <summary>The TLS versions allowed; <see cref="SslProtocols.None"/> lets the OS choose (recommended).</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;

    /// <summary>How certificate revocation is checked.</summary>
    public RevocationCheck Revocation { get; set; } = RevocationCheck.NoCheck;

    /// <summary>Time allowed for the whole handshake.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Builds the runtime's options for host <paramref name="host"/>.</summary>
    internal SslClientAuthenticationOptions ToSslOptions(string host) => new()
    {
        TargetHost = TargetHost ?? host,
        RemoteCertificateValidationCallback = CertificateValidator.Callback(this),
        ClientCertificates = ClientCertificates,
        EnabledSslProtocols = EnabledProtocols,
        CertificateRevocationCheckMode = Revocation switch
        {
            RevocationCheck.Online or RevocationCheck.SoftFail => X509RevocationMode.Online,
            RevocationCheck.Offline => X509RevocationMode.Offline,
            _ => X509RevocationMode.NoCheck,
        },
    };
}
