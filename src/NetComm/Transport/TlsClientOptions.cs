using System;
using System.Collections.Generic;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NetComm.Transport.Internal;

namespace NetComm.Transport;

/// <summary>
/// How a client secures a connection with TLS: the one TLS settings type of NetComm, used by
/// <see cref="TcpConnection"/> and by the SMTP and POP3 clients. Validation is always on; there is no global
/// "accept all" switch. The host name is always checked; the chain is checked against the machine's trust store,
/// or against <see cref="TrustedRoots"/> when any are given; <see cref="Pins"/> may excuse an untrusted chain;
/// <see cref="CertificateValidation"/> can only add to these checks. Only <see cref="ReplaceCertificateValidation"/>,
/// named for what it does, replaces them.
/// </summary>
public sealed class TlsClientOptions
{
    /// <summary>
    /// The server name to check the certificate against and to send as SNI. Defaults to the host connected to;
    /// set it when connecting by IP address to a server whose certificate names its host.
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>
    /// An extra check, called only for a certificate that passed every built-in check (with the verdict in
    /// <c>sslPolicyErrors</c>, chain errors cleared when <see cref="TrustedRoots"/> or <see cref="Pins"/> excused
    /// them): returning false rejects it, returning true cannot accept what the built-in checks refused.
    /// </summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }

    /// <summary>
    /// Replaces every built-in check (name, chain, pins, trusted roots): the callback's answer is final. Use it
    /// only when the built-in checks cannot express your policy; <see cref="TrustedRoots"/> and <see cref="Pins"/>
    /// cover private CAs and self-signed servers without giving up the name check.
    /// </summary>
    public RemoteCertificateValidationCallback? ReplaceCertificateValidation { get; set; }

    /// <summary>
    /// Certificate authorities to trust instead of the machine's store (a private or test CA). When it holds any,
    /// a server chain must end at one of them; every other check (name, validity, key usage, revocation as set)
    /// still applies. A self-signed server certificate may be added as its own root.
    /// </summary>
    public X509Certificate2Collection TrustedRoots { get; } = new();

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

    /// <summary>Adds the certificates of a PEM file (a CA bundle, or a self-signed server certificate) to <see cref="TrustedRoots"/>.</summary>
    /// <param name="path">A file of one or more <c>-----BEGIN CERTIFICATE-----</c> blocks.</param>
    /// <exception cref="System.IO.FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The file holds no readable certificate.</exception>
    public void AddTrustedRootsFromPemFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var count = TrustedRoots.Count;
        TrustedRoots.ImportFromPemFile(path);
        if (TrustedRoots.Count == count)
        {
            throw new System.Security.Cryptography.CryptographicException($"{path} holds no PEM certificate.");
        }
    }

    internal X509RevocationMode RevocationMode => Revocation switch
    {
        RevocationCheck.Online or RevocationCheck.SoftFail => X509RevocationMode.Online,
        RevocationCheck.Offline => X509RevocationMode.Offline,
        _ => X509RevocationMode.NoCheck,
    };

    /// <summary>Builds the runtime's options for a handshake whose certificate check is <paramref name="validator"/>.</summary>
    internal SslClientAuthenticationOptions ToSslOptions(string host, CertificateValidator validator) => new()
    {
        TargetHost = host,
        RemoteCertificateValidationCallback = validator.Validate,
        ClientCertificates = ClientCertificates,
        EnabledSslProtocols = EnabledProtocols,
        CertificateRevocationCheckMode = RevocationMode,
        CertificateChainPolicy = ChainPolicy(),
    };

    /// <summary>
    /// With <see cref="TrustedRoots"/>, the policy the runtime builds the server's chain under, so that the one chain
    /// build of the handshake already ends at our roots (a second build of our own cost ~0.6 ms per handshake); null
    /// leaves the machine's store and the runtime's defaults.
    /// </summary>
    private X509ChainPolicy? ChainPolicy()
    {
        if (TrustedRoots.Count == 0)
        {
            return null;
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = RevocationMode,
        };
        policy.CustomTrustStore.AddRange(TrustedRoots);
        policy.ApplicationPolicy.Add(ServerAuthentication);
        return policy;
    }

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
}
