using System;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace NetComm.Testing.Internal;

/// <summary>The self-signed certificate the test server uses when given none: made once per process.</summary>
internal static class ServerCertificate
{
    private static readonly Lazy<X509Certificate2> s_shared = new(() => Create("localhost"), LazyThreadSafetyMode.ExecutionAndPublication);

    public static X509Certificate2 Shared => s_shared.Value;

    /// <summary>
    /// An ECDSA P-256 certificate (made in about a millisecond, where RSA-2048 takes tens) for CN=localhost with SANs
    /// localhost, 127.0.0.1 and ::1, the serverAuth EKU, valid from an hour ago for 30 days.
    /// </summary>
    public static X509Certificate2 Create(string hostName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostName);
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30));

        // Round-trip through PKCS#12 so SslStream can use the private key on every platform.
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
#else
        return new X509Certificate2(certificate.Export(X509ContentType.Pfx));
#endif
    }
}
