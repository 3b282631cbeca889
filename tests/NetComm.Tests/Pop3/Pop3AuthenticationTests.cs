using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;

namespace NetComm.Tests.Pop3;

/// <summary>Login: choice of method, each method's exchange, failures that stop at once, and the plaintext guard.</summary>
[TestFixture]
public class Pop3AuthenticationTests
{
    // RFC 1939 section 7's example.
    private const string RfcTimestamp = "<1896.697170952@dbc.mtview.ca.us>";

    private static async Task Login(IoMode mode, Pop3Client client, MailCredentials credentials)
        => await Io.Call(mode, () => client.Authenticate(credentials), () => client.AuthenticateAsync(credentials));

    [Test]
    public async Task The_strongest_sasl_mechanism_is_preferred_to_apop_and_user([Values] IoMode mode, [Values] ChunkMode chunks)
    {
        // RFC 2195's CRAM-MD5 example.
        var script = Pop3Script.Greeting(["USER", "SASL PLAIN LOGIN CRAM-MD5"], RfcTimestamp)
            .C("AUTH CRAM-MD5").S("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+")
            .C("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw").S("+OK logged in")
            .C("CAPA").S("+OK", "USER", ".");
        var stream = new ScriptedPop3Stream(script, chunks);
        using var client = await Io.Open(mode, stream);

        await Login(mode, client, new MailCredentials("tim", "tanstaaftanstaaf"));

        Assert.That(client.AuthenticationMechanism, Is.EqualTo("CRAM-MD5"));
        Assert.That(client.IsAuthenticated, Is.True);
        stream.AssertComplete();
    }

    [Test]
    public async Task Apop_is_used_when_no_sasl_mechanism_fits([Values] IoMode mode)
    {
        var script = Pop3Script.Greeting(["USER", "SASL GSSAPI"], RfcTimestamp)
            .C("APOP mrose c4c9334bac560ecc979e58001b3e22fb").S("+OK maildrop has 1 message")
            .C("CAPA").S("+OK", "USER", ".");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        using var client = await Io.Open(mode, stream);

        await Login(mode, client, new MailCredentials("mrose", "tanstaaf"));

        Assert.That(client.AuthenticationMechanism, Is.EqualTo("APOP"));
        stream.AssertComplete();
    }

    [Test]
    public async Task Plain_sends_its_initial_response_on_the_auth_line([Values] IoMode mode)
    {
        var script = Pop3Script.Greeting(["SASL PLAIN"])
            .C("AUTH PLAIN AGFsaWNlAHNlY3JldA==").S("+OK")
            .C("CAPA").S("+OK", "SASL PLAIN", ".");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Random);
        using var client = await Io.Open(mode, stream);

        await Login(mode, client, new MailCredentials("alice", "secret"));

        stream.AssertComplete();
    }

    [Test]
    public async Task Login_answers_the_username_and_password_prompts([Values] IoMode mode)
    {
        var script = Pop3Script.Greeting(["SASL LOGIN"])
            .C("AUTH LOGIN").S("+ VXNlcm5hbWU6").C("YWxpY2U=").S("+ UGFzc3dvcmQ6").C("c2VjcmV0").S("+OK")
            .C("CAPA").S("+OK", "SASL LOGIN", ".");
        var stream = new ScriptedPop3Stream(script, ChunkMode.PerByte);
        using var client = await Io.Open(mode, stream);

        await Login(mode, client, new MailCredentials("alice", "secret"));

        stream.AssertComplete();
    }

    [Test]
    public async Task An_initial_response_that_would_pass_255_octets_waits_for_the_empty_challenge([Values] IoMode mode)
    {
        var token = new string('t', 300);
        var expected = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"user=alice\u0001auth=Bearer {token}\u0001\u0001"));
        var script = Pop3Script.Greeting(["SASL XOAUTH2 PLAIN"])
            .C("AUTH XOAUTH2").S("+ ").C(expected).S("+OK")
            .C("CAPA").S("+OK", ".");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        using var client = await Io.Open(mode, stream);

        await Login(mode, client, MailCredentials.FromAccessToken("alice", token));

        Assert.That(client.AuthenticationMechanism, Is.EqualTo("XOAUTH2"));
        stream.AssertComplete();
    }

    [Test]
    public async Task The_mechanism_the_caller_names_is_used([Values] IoMode mode)
    {
        var script = Pop3Script.Greeting(["USER", "SASL PLAIN CRAM-MD5"], RfcTimestamp)
            .C("USER alice").S("+OK").C("PASS secret").S("+OK")
            .C("CAPA").S("+OK", "USER", ".");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        using var client = await Io.Open(mode, stream, Io.ScriptOptions(o => o.AuthenticationMechanism = "USER"));

        await Login(mode, client, new MailCredentials("alice", "secret"));

        Assert.That(client.AuthenticationMechanism, Is.EqualTo("USER"));
        stream.AssertComplete();
    }

    [Test]
    public async Task A_named_mechanism_the_server_lacks_fails_before_anything_is_sent([Values] IoMode mode)
    {
        var stream = new ScriptedPop3Stream(Pop3Script.Greeting(["USER", "SASL PLAIN"]), ChunkMode.Whole);
        using var client = await Io.Open(mode, stream, Io.ScriptOptions(o => o.AuthenticationMechanism = "SCRAM-SHA-256"));

        var error = Assert.ThrowsAsync<MailAuthenticationException>(() => Login(mode, client, new MailCredentials("alice", "secret")));

        Assert.That(error!.Message, Does.Contain("SCRAM-SHA-256"));
        Assert.That(error.MechanismsBeforeTls, Is.EqualTo(new[] { "PLAIN", "USER" }));
        stream.AssertComplete();
    }

    [Test]
    public async Task A_wrong_password_is_tried_once_and_never_with_another_mechanism([Values] IoMode mode)
    {
        // Nothing follows the -ERR in the script: a second attempt would be a script violation.
        var script = Pop3Script.Greeting(["USER", "SASL PLAIN LOGIN", "AUTH-RESP-CODE"], RfcTimestamp)
            .C("AUTH PLAIN AGFsaWNlAHdyb25n").S("-ERR [AUTH] Authentication failed.");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Random);
        using var client = await Io.Open(mode, stream);

        var error = Assert.ThrowsAsync<MailAuthenticationException>(() => Login(mode, client, new MailCredentials("alice", "wrong")));

        Assert.That(error!.Mechanism, Is.EqualTo("PLAIN"));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(((Pop3CommandException)error.InnerException!).ResponseCode, Is.EqualTo(Pop3ResponseCodes.Auth));
        Assert.That(client.IsConnected, Is.True);
        Assert.That(client.IsAuthenticated, Is.False);
        stream.AssertComplete();
    }

    [Test]
    public async Task A_locked_maildrop_is_a_transient_failure([Values] IoMode mode)
    {
        var script = Pop3Script.Greeting(["USER", "RESP-CODES"])
            .C("USER alice").S("+OK").C("PASS secret").S("-ERR [IN-USE] Mailbox is locked by another POP3 session");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        using var client = await Io.Open(mode, stream);

        var error = Assert.ThrowsAsync<MailAuthenticationException>(() => Login(mode, client, new MailCredentials("alice", "secret")));

        Assert.That(error!.IsTransient, Is.True);
        Assert.That(error.ServerReply, Is.EqualTo("-ERR [IN-USE] Mailbox is locked by another POP3 session"));
        Assert.That(((Pop3CommandException)error.InnerException!).ResponseCode, Is.EqualTo(Pop3ResponseCodes.InUse));
    }

    [Test]
    public async Task Without_tls_the_login_is_refused_before_anything_secret_is_sent([Values] IoMode mode)
    {
        var stream = new ScriptedPop3Stream(Pop3Script.Greeting(["USER", "SASL PLAIN SCRAM-SHA-256"], RfcTimestamp), ChunkMode.Whole);
        using var client = await Io.Open(mode, stream, Io.ScriptOptions(o => o.AllowPlaintextAuthentication = false));

        var error = Assert.ThrowsAsync<MailAuthenticationException>(() => Login(mode, client, new MailCredentials("alice", "secret")));

        Assert.That(error!.Message, Does.Contain("without TLS"));
        Assert.That(error.MechanismsBeforeTls, Is.EqualTo(new[] { "PLAIN", "SCRAM-SHA-256", "APOP", "USER" }));
        Assert.That(error.MechanismsAfterTls, Is.Empty);
        Assert.That(stream.ClientLines, Is.EqualTo(new[] { "CAPA" }));
        stream.AssertComplete();
    }

    [Test]
    public async Task A_user_name_with_a_line_break_is_rejected_locally([Values] IoMode mode)
    {
        var stream = new ScriptedPop3Stream(Pop3Script.Greeting(["USER"]), ChunkMode.Whole);
        using var client = await Io.Open(mode, stream);

        Assert.ThrowsAsync<ArgumentException>(() => Login(mode, client, new MailCredentials("alice\r\nDELE 1", "secret")));
        stream.AssertComplete();
    }

    [Test]
    public async Task Secrets_never_reach_the_transcript([Values] IoMode mode)
    {
        var script = Pop3Script.Greeting(["USER", "SASL PLAIN"], RfcTimestamp)
            .C("AUTH PLAIN AGFsaWNlAHNlY3JldA==").S("+OK")
            .C("CAPA").S("+OK", "USER", ".")
            .C("RETR 1").S("+OK").Raw("Subject: private\r\n\r\nconfidential body\r\n.\r\n");
        var transcript = new StringWriter();
        using var client = await Io.Open(mode, new ScriptedPop3Stream(script, ChunkMode.Whole), Io.ScriptOptions(o => o.Transcript = transcript));
        await Login(mode, client, new MailCredentials("alice", "secret"));

        await Io.Call(mode, () => client.Retrieve(1), () => client.RetrieveAsync(1));

        var text = transcript.ToString();
        Assert.That(text, Does.Contain("C: AUTH PLAIN ********"));
        Assert.That(text, Does.Not.Contain("AGFsaWNlAHNlY3JldA=="));
        Assert.That(text, Does.Not.Contain("confidential"));
        Assert.That(text, Does.Contain("S: <message 1: 39 bytes>"));
    }

    [Test]
    public async Task Passwords_are_redacted_and_content_appears_when_asked_for([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("RETR 1").S("+OK").Raw("Subject: shown\r\n\r\nvisible body\r\n.\r\n");
        var transcript = new StringWriter();
        var log = new ListLogger();
        using var client = await Io.LoggedIn(mode, new ScriptedPop3Stream(script, ChunkMode.PerByte), Io.ScriptOptions(o =>
        {
            o.Transcript = transcript;
            o.TranscriptIncludesContent = true;
            o.Logger = log;
            o.LogTranscript = true;
        }));

        await Io.Call(mode, () => client.Retrieve(1), () => client.RetrieveAsync(1));

        var text = transcript.ToString();
        Assert.That(text, Does.Contain("C: PASS ********"));
        Assert.That(text, Does.Not.Contain("secret"));
        Assert.That(text, Does.Contain("S: visible body"));
        var logged = string.Join("\n", log.Events.Select(e => e.Message));
        Assert.That(logged, Does.Contain("S: <message 1: ").And.Not.Contain("visible body"), "content goes to the writer only; the logger gets its size");
    }
}
