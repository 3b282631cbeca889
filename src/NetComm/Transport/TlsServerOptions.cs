using System;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace NetComm.Transport;

/// <summary>How a server side upgrades a connection to TLS.</summary>
public sealed class TlsServerOptions
{
    /// <summary>Creates options serving <paramref name="certificate"/>, which must include its private key.</summary>
    public TlsServerOptions(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Certificate = certificate;
    }

    /// <summary>The server certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Whether the client must present a certificate.</summary>
    public bool ClientCertificateRequired { get; set; }

    /// <summary>Validates the client's certificate when one is required or offered.</summary>
    public RemoteCertificateValidationCallback? ClientCertificateValidation { get; set; }

    /// <summary>The TLS versions allowed; <see cref="SslProtocols.None"/> lets the OS choose.</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;

    /// <summary>Time allowed for the handshake.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal SslServerAuthenticationOptions ToSslOptions() => new()
    {
        ServerCertificate = Certificate,
        ClientCertificateRequired = ClientCertificateRequired,
        RemoteCertificateValidationCallback = ClientCertificateValidation,
        EnabledSslProtocols = EnabledProtocols,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };
}
