using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetComm.Transport.Internal;

/// <summary>A certificate in the words an operator needs to fix trust: who it is for, who issued it, its hash, its dates.</summary>
internal static class CertificateFacts
{
    public static string Summary(X509Certificate certificate)
    {
        using var cert = new X509Certificate2(certificate);
        return $"subject \"{cert.Subject}\", issuer \"{cert.Issuer}\", SHA-256 thumbprint {Sha256Thumbprint(cert)}, " +
               $"valid from {Utc(cert.NotBefore)} to {Utc(cert.NotAfter)}";
    }

    public static string Sha256Thumbprint(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));

    /// <summary>The names a certificate is valid for: its subject alternative names, else its common name.</summary>
    public static string Names(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions["2.5.29.17"];
        if (extension is not null)
        {
            var san = extension as X509SubjectAlternativeNameExtension ?? new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
            var names = san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(ip => ip.ToString())).ToArray();
            if (names.Length > 0)
            {
                return string.Join(", ", names);
            }
        }

        return "CN " + certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    }

    /// <summary>"UntrustedRoot (self-signed certificate in certificate chain)": the flag and the platform's words.</summary>
    public static string Describe(X509ChainStatus status)
    {
        var words = status.StatusInformation?.Trim().TrimEnd('.');
        return string.IsNullOrEmpty(words) ? status.Status.ToString() : $"{status.Status} ({words})";
    }

    private static string Utc(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
