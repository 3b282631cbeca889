using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Transport;

/// <summary>
/// Trusting a private CA without giving up any other check, and refusals that say why: over real TLS on loopback,
/// with a CA and certificates made in the test.
/// </summary>
[TestFixture]
public class CertificateTrustTests
{
    private static readonly Lazy<X509Certificate2> s_authority = new(() => TestCertificates.CreateAuthority("NetComm Test Root"));
    private static readonly Lazy<X509Certificate2> s_issued = new(() => Issue("localhost", TimeSpan.FromDays(-1), TimeSpan.FromDays(1)));

    private static X509Certificate2 Authority => s_authority.Value;

    private static X509Certificate2 Issue(string name, TimeSpan from, TimeSpan to)
        => TestCertificates.Issue(Authority, name, DateTimeOffset.UtcNow + from, DateTimeOffset.UtcNow + to);

    /// <summary>Runs a TLS server with <paramref name="certificate"/> and upgrades a client with <paramref name="options"/>.</summary>
    private static TcpConnection Handshake(X509Certificate2 certificate, TlsClientOptions options, string targetHost = "localhost")
    {
        var server = LoopbackServer.Start((c, s) =>
        {
            try
            {
                c.UpgradeToTlsAsServer(new TlsServerOptions(certificate));
                c.WriteLine("secured");
            }
            catch (TransportException)
            {
                // The client refused the certificate and hung up.
            }
        });
        var client = LoopbackServer.Connect(server);
        try
        {
            client.UpgradeToTls(options, targetHost);
            Assert.That(client.ReadLine(), Is.EqualTo("secured"));
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
        finally
        {
            server.Dispose();
        }
    }

    private static TlsUpgradeException Refused(X509Certificate2 certificate, TlsClientOptions options, string targetHost = "localhost")
    {
        var error = Assert.Throws<TlsUpgradeException>(() => Handshake(certificate, options, targetHost).Dispose())!;
        Assert.That(error.CertificateRejection, Is.Not.Null, error.Message);
        Assert.That(error.Message, Does.Contain(error.CertificateRejection));
        return error;
    }

    private static string Thumbprint(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));

    [Test]
    public void An_untrusted_certificate_is_refused_with_the_chain_status_in_words_and_the_certificates_facts()
    {
        var error = Refused(s_issued.Value, new TlsClientOptions());
        TestContext.Out.WriteLine(error.Message);

        Assert.That(error.CertificateRejection, Does.Contain("chain is not trusted"));
        Assert.That(error.CertificateRejection, Does.Contain("PartialChain").Or.Contain("UntrustedRoot"), "the chain status, named");
        Assert.That(error.CertificateRejection, Does.Contain("subject \"CN=localhost\"").And.Contain("issuer \"CN=NetComm Test Root\""));
        Assert.That(error.CertificateRejection, Does.Contain(Thumbprint(s_issued.Value)));
        Assert.That(error.CertificateRejection, Does.Contain("valid from " + s_issued.Value.NotBefore.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(error.CertificateRejection, Does.Contain("TrustedRoots").And.Contain("Pins"), "what to do about it");
        Assert.That(error.Message, Does.Not.Contain("RemoteCertificateValidationCallback"), "no callback was given");
    }

    [Test]
    public void A_certificate_issued_by_a_trusted_root_is_accepted()
    {
        using var client = Handshake(s_issued.Value, new TlsClientOptions { TrustedRoots = { Authority } });
        Assert.That(client.IsTls, Is.True);
    }

    [Test]
    public void Trusted_roots_are_read_from_a_pem_file()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, TestCertificates.Create("noise.example").ExportCertificatePem() + "\n" + Authority.ExportCertificatePem());
        try
        {
            var options = new TlsClientOptions();
            options.AddTrustedRootsFromPemFile(path);

            Assert.That(options.TrustedRoots, Has.Count.EqualTo(2));
            using var client = Handshake(s_issued.Value, options);
            Assert.That(client.IsTls, Is.True);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void A_pem_file_without_a_certificate_is_refused_when_it_is_added()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"empty-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, "not a certificate\n");
        try
        {
            Assert.Throws<CryptographicException>(() => new TlsClientOptions().AddTrustedRootsFromPemFile(path));
            Assert.Throws<FileNotFoundException>(() => new TlsClientOptions().AddTrustedRootsFromPemFile(path + ".missing"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Trusted_roots_replace_the_machine_store_so_another_authority_is_refused()
    {
        var other = TestCertificates.CreateAuthority("Some Other Root");
        var error = Refused(s_issued.Value, new TlsClientOptions { TrustedRoots = { other } });
        Assert.That(error.CertificateRejection, Does.Contain("chain is not trusted"));
    }

    [Test]
    public void A_trusted_root_never_excuses_a_wrong_name()
    {
        var error = Refused(s_issued.Value, new TlsClientOptions { TrustedRoots = { Authority } }, targetHost: "mail.example.test");

        Assert.That(error.CertificateRejection, Does.Contain("not issued for \"mail.example.test\"").And.Contain("it names localhost, 127.0.0.1"));
        Assert.That(error.CertificateRejection, Does.Not.Contain("chain is not trusted"), "the chain itself was fine");
    }

    [Test]
    public void The_expected_name_can_differ_from_the_host_connected_to()
    {
        var named = Issue("mail.example.test", TimeSpan.FromDays(-1), TimeSpan.FromDays(1));
        using var client = Handshake(named, new TlsClientOptions { TrustedRoots = { Authority }, TargetHost = "mail.example.test" }, targetHost: "127.0.0.1");
        Assert.That(client.IsTls, Is.True);
    }

    [Test]
    public void An_expired_certificate_under_a_trusted_root_is_refused_naming_its_dates()
    {
        var expired = Issue("localhost", TimeSpan.FromHours(-12), TimeSpan.FromHours(-1));
        var error = Refused(expired, new TlsClientOptions { TrustedRoots = { Authority } });
        TestContext.Out.WriteLine(error.Message);

        Assert.That(error.CertificateRejection, Does.Contain("NotTimeValid"));
        Assert.That(error.CertificateRejection, Does.Contain("to " + expired.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void A_callback_adds_a_check_but_cannot_accept_what_the_checks_refused()
    {
        var called = 0;
        var accepting = new TlsClientOptions { CertificateValidation = (_, _, _, _) => ++called > 0 };
        Refused(s_issued.Value, accepting);
        Assert.That(called, Is.Zero, "not consulted for a certificate already refused");

        var refusing = new TlsClientOptions { TrustedRoots = { Authority }, CertificateValidation = (_, _, _, errors) => errors != System.Net.Security.SslPolicyErrors.None };
        var error = Refused(s_issued.Value, refusing);
        Assert.That(error.CertificateRejection, Does.Contain("CertificateValidation callback refused it"));

        var agreeing = new TlsClientOptions { TrustedRoots = { Authority }, CertificateValidation = (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None };
        using var client = Handshake(s_issued.Value, agreeing);
        Assert.That(client.IsTls, Is.True, "chain errors excused by the trusted root are cleared from the verdict it sees");
    }

    [Test]
    public void With_trusted_roots_the_handshakes_one_chain_is_built_on_them()
    {
        // What the callback is handed is the chain the runtime built during the handshake: ending at our root, under
        // custom trust, it is the verdict itself, so the check needs no second build of its own.
        X509ChainTrustMode? trustMode = null;
        string? root = null;
        var options = new TlsClientOptions
        {
            TrustedRoots = { Authority },
            CertificateValidation = (_, _, chain, errors) =>
            {
                trustMode = chain?.ChainPolicy.TrustMode;
                root = chain?.ChainElements[^1].Certificate.Thumbprint;
                return errors == System.Net.Security.SslPolicyErrors.None;
            },
        };

        using var client = Handshake(s_issued.Value, options);

        Assert.That(trustMode, Is.EqualTo(X509ChainTrustMode.CustomRootTrust));
        Assert.That(root, Is.EqualTo(Authority.Thumbprint));
    }

    [Test]
    public void Only_the_option_named_for_it_replaces_every_check()
    {
        var stranger = TestCertificates.Create("somewhere.else");
        var replacing = new TlsClientOptions
        {
            // Untrusted and issued for another name: only a replacement can accept it.
            ReplaceCertificateValidation = (_, presented, _, errors) =>
                errors != System.Net.Security.SslPolicyErrors.None && presented?.GetCertHashString() == stranger.GetCertHashString(),
        };
        using (var client = Handshake(stranger, replacing))
        {
            Assert.That(client.IsTls, Is.True);
        }

        var error = Refused(stranger, new TlsClientOptions { ReplaceCertificateValidation = (_, presented, _, _) => presented is null });
        Assert.That(error.CertificateRejection, Does.Contain("ReplaceCertificateValidation callback refused it").And.Contain("CN=somewhere.else"));
    }
}
