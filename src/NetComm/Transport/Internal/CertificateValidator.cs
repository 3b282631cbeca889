using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetComm.Transport.Internal;

/// <summary>The certificate check every TLS client connection runs: the caller's callback, else the platform's verdict, pins and soft-fail revocation.</summary>
internal static class CertificateValidator
{
    public static RemoteCertificateValidationCallback Callback(TlsClientOptions policy) => (sender, certificate, chain, errors) =>
    {
        if (policy.CertificateValidation is { } custom)
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
