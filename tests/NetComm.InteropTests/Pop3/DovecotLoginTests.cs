using NetComm.Mail;
using NetComm.Pop3;

namespace NetComm.InteropTests.Pop3;

/// <summary>Each login method Dovecot offers (USER, APOP, SASL PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256), and the TLS rules.</summary>
[TestFixture]
[NonParallelizable]
public class DovecotLoginTests
{
    [Test]
    public async Task Each_method_dovecot_offers_logs_in(
        [Values("USER", "APOP", "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256")] string mechanism,
        [Values(TlsMode.StartTlsRequired, TlsMode.ImplicitTls)] TlsMode mode)
    {
        await using var client = new Pop3Client(DovecotEnvironment.Options(mode, o => o.AuthenticationMechanism = mechanism));
        await client.ConnectAsync();

        await client.AuthenticateAsync(DovecotEnvironment.Credentials("bob"));

        Assert.That(client.AuthenticationMechanism, Is.EqualTo(mechanism));
        Assert.That((await client.StatAsync()).Count, Is.EqualTo(DovecotEnvironment.Manifest("bob").Count));
    }

    [Test]
    public async Task The_default_is_the_strongest_mechanism_offered([Values] bool sync)
    {
        using var client = new Pop3Client(DovecotEnvironment.Options(TlsMode.StartTlsRequired));
        if (sync)
        {
            client.Connect();
        }
        else
        {
            await client.ConnectAsync();
        }

        Assert.That(client.Capabilities!.Sasl, Is.SupersetOf(new[] { "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256" }));
        Assert.That(client.Capabilities.Apop, Is.True);
        if (sync)
        {
            client.Authenticate(DovecotEnvironment.Credentials("bob"));
        }
        else
        {
            await client.AuthenticateAsync(DovecotEnvironment.Credentials("bob"));
        }

        Assert.That(client.AuthenticationMechanism, Is.EqualTo("SCRAM-SHA-256"));
    }

    [Test]
    public async Task A_wrong_password_fails_once_with_the_auth_response_code([Values("USER", "APOP", "SCRAM-SHA-256")] string mechanism)
    {
        await using var client = new Pop3Client(DovecotEnvironment.Options(TlsMode.StartTlsRequired, o => o.AuthenticationMechanism = mechanism));
        await client.ConnectAsync();

        var error = Assert.ThrowsAsync<MailAuthenticationException>(() => client.AuthenticateAsync(new MailCredentials("bob", "wrong-password")));

        Assert.That(error!.Mechanism, Is.EqualTo(mechanism));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(((Pop3CommandException)error.InnerException!).ResponseCode, Is.EqualTo(Pop3ResponseCodes.Auth));
        Assert.That(error.EndsSession, Is.False);
        Assert.That(client.IsConnected, Is.True);
        Assert.That(client.IsAuthenticated, Is.False, "usable, not logged in");
        Assert.That(client.State, Is.EqualTo(MailSessionState.Secured));
        await client.AuthenticateAsync(DovecotEnvironment.Credentials("bob"));
        Assert.That((await client.StatAsync()).Count, Is.EqualTo(DovecotEnvironment.Manifest("bob").Count));
    }

    [Test]
    public async Task Plaintext_login_is_refused_unless_allowed()
    {
        await using var client = new Pop3Client(DovecotEnvironment.Options(TlsMode.None, o => o.AllowPlaintextAuthentication = false));
        await client.ConnectAsync();

        var error = Assert.ThrowsAsync<MailAuthenticationException>(() => client.AuthenticateAsync(DovecotEnvironment.Credentials("bob")));

        Assert.That(error!.MechanismsBeforeTls, Is.SupersetOf(new[] { "SCRAM-SHA-256", "APOP", "USER" }));
        Assert.That(client.IsAuthenticated, Is.False);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Connected), "usable, not logged in");
    }

    [Test]
    public void The_implicit_tls_setting_on_the_plaintext_port_is_diagnosed()
    {
        using var client = new Pop3Client(DovecotEnvironment.Options(TlsMode.ImplicitTls, o => o.Port = DovecotEnvironment.Pop3Port));

        var error = Assert.Throws<TlsModeMismatchException>(() => client.Connect());

        Assert.That(error!.SuggestedMode, Is.EqualTo(TlsMode.StartTlsRequired));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public void The_stls_setting_on_the_implicit_tls_port_times_out_with_a_hint()
    {
        using var client = new Pop3Client(DovecotEnvironment.Options(TlsMode.StartTlsRequired, o =>
        {
            o.Port = DovecotEnvironment.Pop3sPort;
            o.GreetingTimeout = TimeSpan.FromSeconds(1);
        }));

        var error = Assert.ThrowsAsync<TimeoutException>(() => client.ConnectAsync());

        Assert.That(error!.Message, Does.Contain("TlsMode.ImplicitTls"));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.That(client.IsConnected, Is.False);
    }
}
