using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NetComm.Transport;

namespace NetComm.Mail.Internal;

/// <summary>Turns a <see cref="CertificatePolicy"/> into the TLS options for one connection.</summary>
internal static class CertificateValidator
{
    public static TlsClientOptions ToTlsOptions(MailClientOptions options) => new()
    {
        TargetHost = options.Host,
        CertificateValidation = Callback(options.Certificates),
        ClientCertificates = options.Certificates.ClientCertificates,
        EnabledProtocols = options.Certificates.EnabledProtocols,
        RevocationMode = options.Certificates.Revocation switch
        {
            RevocationCheck.Online or RevocationCheck.SoftFail => X509RevocationMode.Online,
            RevocationCheck.Offline => X509RevocationMode.Offline,
            _ => X509RevocationMode.NoCheck,
        },
        HandshakeTimeout = options.TlsHandshakeTimeout,
    };

    public static RemoteCertificateValidationCallback Callback(CertificatePolicy policy) => (sender, certificate, chain, errors) =>
    {
        if (policy.Validation is { } custom)
        {
            return custom(sender, certificate, chain, errors);
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // A wrong name or a missing certificate is never excused: pins prove the key, not the host.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        if (policy.Pins.Count > 0 && IsPinned(certificate, policy.Pins))
        {
            return true;
        }

        return policy.Revocation == RevocationCheck.SoftFail && chain is not null && OnlyRevocationUnknown(chain);
    };

    public static bool IsPinned(X509Certificate certificate, IEnumerable<string> pins)
    {
        using var cert = new X509Certificate2(certificate);
        var thumbprint = Convert.ToHexString(SHA256.HashData(cert.RawData));
        var spki = "sha256/" + Convert.ToBase64String(SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo()));
        return pins.Any(pin =>
            string.Equals(pin.Replace(":", "", StringComparison.Ordinal), thumbprint, StringComparison.OrdinalIgnoreCase)
            || string.Equals(pin, spki, StringComparison.Ordinal));
    }

    private static bool OnlyRevocationUnknown(X509Chain chain)
        => chain.ChainStatus.Length > 0
           && chain.ChainStatus.All(s => s.Status is X509ChainStatusFlags.RevocationStatusUnknown or X509ChainStatusFlags.OfflineRevocation);
}
