using System.Security.Cryptography;
using System.Text;
using NetComm.Mail;
using NetComm.Mail.Sasl;

namespace NetComm.Tests.Smtp;

[TestFixture]
public class SaslTests
{
    [Test]
    public void Scram_sha_256_matches_rfc_7677()
    {
        var scram = new ScramMechanism(new MailCredentials("user", "pencil"), HashAlgorithmName.SHA256, "rOprNGfwEbeRWgbNEkqO");
        Assert.That(Encoding.UTF8.GetString(scram.InitialResponse()!), Is.EqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        var final = scram.Respond(Encoding.UTF8.GetBytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        Assert.That(Encoding.UTF8.GetString(final), Is.EqualTo("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        Assert.That(scram.Respond(Encoding.UTF8.GetBytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")), Is.Empty);
        Assert.DoesNotThrow(scram.Completed);
    }

    [Test]
    public void Scram_sha_1_matches_rfc_5802()
    {
        var scram = new ScramMechanism(new MailCredentials("user", "pencil"), HashAlgorithmName.SHA1, "fyko+d2lbbFgONRv9qkxdawL");
        scram.InitialResponse();
        var final = scram.Respond(Encoding.UTF8.GetBytes("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
        Assert.That(Encoding.UTF8.GetString(final), Is.EqualTo("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="));
        scram.Respond(Encoding.UTF8.GetBytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
        Assert.DoesNotThrow(scram.Completed);
    }

    [Test]
    public void Scram_rejects_a_server_that_cannot_prove_the_password()
    {
        var scram = new ScramMechanism(new MailCredentials("user", "pencil"), HashAlgorithmName.SHA256, "rOprNGfwEbeRWgbNEkqO");
        scram.InitialResponse();
        scram.Respond(Encoding.UTF8.GetBytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        Assert.Throws<MailAuthenticationException>(() => scram.Respond(Encoding.UTF8.GetBytes("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
        Assert.Throws<MailAuthenticationException>(scram.Completed, "success without a server signature is not success");
    }

    // Found by fuzzing (tests/NetComm.Fuzz/found/sasl): a FormatException escaped instead of a cancelled exchange.
    [Test]
    public void Scram_rejects_a_server_signature_that_is_not_base64()
    {
        var scram = new ScramMechanism(new MailCredentials("user", "pencil"), HashAlgorithmName.SHA1, "fyko+d2lbbFgONRv9qkxdawL");
        scram.InitialResponse();
        scram.Respond(Encoding.UTF8.GetBytes("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));

        var error = Assert.Throws<MailAuthenticationException>(() => scram.Respond("v=rmF9pq!V8S7suAoZWja4dJRkFsKQ="u8));

        Assert.That(error!.Message, Does.Contain("not base64"));
        Assert.Throws<MailAuthenticationException>(scram.Completed);
    }

    [Test]
    public void Scram_rejects_a_nonce_that_does_not_extend_ours_and_absurd_iteration_counts()
    {
        var scram = new ScramMechanism(new MailCredentials("user", "pencil"), HashAlgorithmName.SHA256, "abc");
        scram.InitialResponse();
        Assert.Throws<MailAuthenticationException>(() => scram.Respond("r=xyz123,s=AAAA,i=4096"u8));
        var greedy = new ScramMechanism(new MailCredentials("user", "pencil"), HashAlgorithmName.SHA256, "abc");
        greedy.InitialResponse();
        Assert.Throws<MailAuthenticationException>(() => greedy.Respond("r=abcdef,s=AAAA,i=999999999"u8));
    }

    [Test]
    public void Plain_login_and_xoauth2_encode_as_specified()
    {
        var credentials = new MailCredentials("tim", "secret") { AuthorizationId = "admin" };
        Assert.That(new PlainMechanism(credentials).InitialResponse(), Is.EqualTo("admin\0tim\0secret"u8.ToArray()));
        var login = new LoginMechanism(credentials);
        Assert.That(login.Respond("Username:"u8), Is.EqualTo("tim"u8.ToArray()));
        Assert.That(login.Respond("Password:"u8), Is.EqualTo("secret"u8.ToArray()));
        var token = MailCredentials.FromAccessToken("tim@example.test", "ya29.token");
        Assert.That(Encoding.UTF8.GetString(new XOAuth2Mechanism(token).InitialResponse()!), Is.EqualTo("user=tim@example.test\u0001auth=Bearer ya29.token\u0001\u0001"));
        Assert.That(token.ToString(), Does.Not.Contain("ya29"));
    }

    [Test]
    public void The_strongest_offered_mechanism_is_chosen_and_a_named_one_must_be_offered()
    {
        var credentials = new MailCredentials("u", "p");
        Assert.That(SaslMechanism.Choose(["LOGIN", "PLAIN", "CRAM-MD5", "SCRAM-SHA-1"], credentials, null)!.Name, Is.EqualTo("SCRAM-SHA-1"));
        Assert.That(SaslMechanism.Choose(["LOGIN", "PLAIN"], credentials, null)!.Name, Is.EqualTo("PLAIN"));
        Assert.That(SaslMechanism.Choose(["PLAIN"], credentials, "CRAM-MD5"), Is.Null);
        Assert.That(SaslMechanism.Choose(["PLAIN", "XOAUTH2"], MailCredentials.FromAccessToken("u", "t"), null)!.Name, Is.EqualTo("XOAUTH2"));
        Assert.That(SaslMechanism.Choose(["PLAIN"], MailCredentials.FromAccessToken("u", "t"), null), Is.Null);
    }
}
