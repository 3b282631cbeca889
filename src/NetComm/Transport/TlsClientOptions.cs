using System;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace NetComm.Transport;

/// <summary>How a client upgrades a connection to TLS. Certificate validation is always on unless a callback says otherwise.</summary>
public sealed class TlsClientOptions
{
    /// <summary>The server name to check the certificate against and to send as SNI. Defaults to the host connected to.</summary>
    public string? TargetHost { get; set; }

    /// <summary>
    /// An extra validation step. It receives the platform's verdict in <c>sslPolicyErrors</c>; return true to accept.
    /// When null, only certificates the platform trusts for <see cref="TargetHost"/> are accepted.
    /// </summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }

    /// <summary>Client certificates offered to the server, if it asks.</summary>
    public X509CertificateCollection? ClientCertificates { get; set; }

    /// <summary>The TLS versions allowed; <see cref="SslProtocols.None"/> lets the OS choose (recommended).</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;

    /// <summary>How certificate revocation is checked.</summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>Time allowed for the handshake.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Builds the runtime's options for host <paramref name="host"/>.</summary>
    internal SslClientAuthenticationOptions ToSslOptions(string host) => new()
    {
        TargetHost = TargetHost ?? host,
        RemoteCertificateValidationCallback = CertificateValidation,
        ClientCertificates = ClientCertificates,
        EnabledSslProtocols = EnabledProtocols,
        CertificateRevocationCheckMode = RevocationMode,
    };
}
