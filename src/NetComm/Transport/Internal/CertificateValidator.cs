using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetComm.Transport.Internal;

/// <summary>
/// The certificate check of one client handshake: the platform's verdict (or a chain built on
/// <see cref="TlsClientOptions.TrustedRoots"/>), pins, soft-fail revocation, then the caller's extra check.
/// It remembers why it refused, in words, so the handshake failure can say so.
/// </summary>
internal sealed class CertificateValidator
{
    private readonly TlsClientOptions _options;
    private readonly string _host;

    public CertificateValidator(TlsClientOptions options, string host)
    {
        _options = options;
        _host = host;
    }

    /// <summary>Why the server's certificate was refused, with the certificate's facts; null when it was not.</summary>
    public string? Rejection { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_options.ReplaceCertificateValidation is { } replacement)
        {
            return replacement(sender, certificate, chain, errors)
                || Reject(["the ReplaceCertificateValidation callback refused it"], certificate, hint: null);
        }

        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return Reject(["the server sent no certificate"], certificate, hint: null);
        }

        using var leaf = new X509Certificate2(certificate);
        var problems = new List<string>();

        // A wrong name is never excused: trusted roots and pins prove who issued the key, not which host holds it.
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            problems.Add($"it is not issued for \"{_host}\" (it names {CertificateFacts.Names(leaf)})");
        }

        var chainProblems = ChainProblems(chain, errors);
        var chainTrusted = chainProblems.Length == 0 || (_options.Pins.Count > 0 && IsPinned(leaf, _options.Pins));
        if (!chainTrusted)
        {
            problems.Add("its chain is not trusted: " + string.Join("; ", chainProblems.Select(CertificateFacts.Describe)));
        }

        if (problems.Count > 0)
        {
            var unknownIssuer = chainProblems.Any(s => s.Status is X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain);
            return Reject(problems, leaf, !chainTrusted && unknownIssuer ? TrustHint : null);
        }

        var verdict = chainTrusted ? errors & ~SslPolicyErrors.RemoteCertificateChainErrors : errors;
        return _options.CertificateValidation is not { } extra
            || extra(sender, certificate, chain, verdict)
            || Reject(["the CertificateValidation callback refused it"], leaf, hint: null);
    }

    public static bool IsPinned(X509Certificate certificate, IEnumerable<string> pins)
    {
        using var cert = new X509Certificate2(certificate);
        var thumbprint = CertificateFacts.Sha256Thumbprint(cert);
        var spki = "sha256/" + Convert.ToBase64String(SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo()));
        return pins.Any(pin =>
            string.Equals(pin.Replace(":", "", StringComparison.Ordinal), thumbprint, StringComparison.OrdinalIgnoreCase)
            || string.Equals(pin, spki, StringComparison.Ordinal));
    }

    private const string TrustHint =
        "To trust a private CA, add it to TlsClientOptions.TrustedRoots (or AddTrustedRootsFromPemFile); " +
        "to trust this one certificate, add its SHA-256 thumbprint to TlsClientOptions.Pins.";

    /// <summary>
    /// The chain's failures that count. With <see cref="TlsClientOptions.TrustedRoots"/> the runtime built the chain
    /// on them already (<see cref="TlsClientOptions.ToSslOptions"/>), so its verdict is the one to read either way.
    /// </summary>
    private X509ChainStatus[] ChainProblems(X509Chain? platformChain, SslPolicyErrors errors)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0)
        {
            return [];
        }

        X509ChainStatus[] statuses = platformChain?.ChainStatus is { Length: > 0 } reported
            ? reported
            : [new X509ChainStatus { Status = X509ChainStatusFlags.PartialChain, StatusInformation = "the chain could not be built" }];
        return statuses.Where(s => s.Status != X509ChainStatusFlags.NoError && !IsExcusedRevocation(s)).ToArray();
    }

    private bool IsExcusedRevocation(X509ChainStatus status)
        => _options.Revocation == RevocationCheck.SoftFail
           && status.Status is X509ChainStatusFlags.RevocationStatusUnknown or X509ChainStatusFlags.OfflineRevocation;

    private bool Reject(IEnumerable<string> problems, X509Certificate? certificate, string? hint)
    {
        var facts = certificate is null ? "" : " Certificate: " + CertificateFacts.Summary(certificate) + ".";
        Rejection = $"the certificate of \"{_host}\" was rejected: {string.Join("; ", problems)}.{facts}{(hint is null ? "" : " " + hint)}";
        return false;
    }
}
