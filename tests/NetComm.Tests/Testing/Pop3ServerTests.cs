using System.Security.Cryptography;
using System.Text;
using NetComm.Testing;
using NetComm.Tests.Support;

namespace NetComm.Tests.Testing;

/// <summary>The POP3 side spoken by hand: states, locking, dot-stuffing, pipelining.</summary>
[TestFixture]
public class Pop3ServerTests
{
    private TestMailServer _server = null!;

    [SetUp]
    public void SetUp()
    {
        _server = TestMailServer.Launch(o => o.AddUser("alice", "secret"));
        _server.Options.RequireTlsForAuth = false;
    }

    [TearDown]
    public void TearDown() => _server.Dispose();

    private RawClient Login(string user = "alice", string password = "secret")
    {
        var client = RawClient.Connect(_server.Pop3Port);
        Assert.That(client.ReadLine(), Does.StartWith("+OK NetComm.Testing POP3 server ready <"));
        Assert.That(client.Ask2("USER " + user), Is.EqualTo("+OK"));
        Assert.That(client.Ask2("PASS " + password), Does.StartWith("+OK"));
        return client;
    }

    [Test]
    public void Capa_lists_the_capabilities()
    {
        using var client = RawClient.Connect(_server.Pop3Port);
        client.ReadLine();
        client.Command("CAPA");
        Assert.That(client.ReadLine(), Is.EqualTo("+OK Capability list follows"));
        Assert.That(client.ReadMultiline(), Is.EqualTo(new[]
        {
            "TOP", "UIDL", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS", "EXPIRE NEVER", "IMPLEMENTATION NetComm.Testing",
        }));
    }

    [Test]
    public void Stat_list_uidl_retr_top_and_dot_stuffing_on_output()
    {
        var first = _server.Mailbox("alice").Add("Subject: one\r\n\r\n.dot line\r\nplain\r\n..two dots\r\n");
        var second = _server.Mailbox("alice").Add("Subject: two\n\nunix line ends\nline 2\nline 3\n");
        Assert.That(Encoding.ASCII.GetString(second.Data.Span), Is.EqualTo("Subject: two\r\n\r\nunix line ends\r\nline 2\r\nline 3\r\n"), "seeded mail is kept with CRLF");
        using var client = Login();
        Assert.That(client.Ask2("STAT"), Is.EqualTo($"+OK 2 {first.Size + second.Size}"));
        client.Command("LIST");
        Assert.That(client.ReadLine(), Does.StartWith("+OK"));
        Assert.That(client.ReadMultiline(), Is.EqualTo(new[] { $"1 {first.Size}", $"2 {second.Size}" }));
        Assert.That(client.Ask2("LIST 2"), Is.EqualTo($"+OK 2 {second.Size}"));
        Assert.That(client.Ask2("UIDL 1"), Is.EqualTo($"+OK 1 {first.Uid}"));
        client.Command("RETR 1");
        Assert.That(client.ReadLine(), Is.EqualTo($"+OK {first.Size} octets"));
        Assert.That(client.ReadMultiline(), Is.EqualTo(new[] { "Subject: one", "", "..dot line", "plain", "...two dots" }));
        client.Command("TOP 2 1");
        Assert.That(client.ReadLine(), Does.StartWith("+OK"));
        Assert.That(client.ReadMultiline(), Is.EqualTo(new[] { "Subject: two", "", "unix line ends" }));
        Assert.That(client.Ask2("RETR 3"), Is.EqualTo("-ERR No such message"));
        Assert.That(client.Ask2("NOOP"), Is.EqualTo("+OK"));
    }

    [Test]
    public void Deletions_happen_only_on_quit_from_transaction_state()
    {
        var mailbox = _server.Mailbox("alice");
        mailbox.Add("Subject: a\r\n\r\na\r\n");
        mailbox.Add("Subject: b\r\n\r\nb\r\n");
        using (var client = Login())
        {
            Assert.That(client.Ask2("DELE 1"), Is.EqualTo("+OK message 1 deleted"));
            Assert.That(client.Ask2("DELE 1"), Is.EqualTo("-ERR Message 1 already deleted"));
            Assert.That(client.Ask2("STAT"), Does.StartWith("+OK 1 "));
            Assert.That(client.Ask2("RSET"), Does.StartWith("+OK"));
            Assert.That(client.Ask2("STAT"), Does.StartWith("+OK 2 "));
            Assert.That(client.Ask2("DELE 2"), Does.StartWith("+OK"));
            Assert.That(mailbox.Count, Is.EqualTo(2));
            Assert.That(client.Ask2("QUIT"), Is.EqualTo("+OK NetComm.Testing POP3 server signing off (1 messages left)"));
        }

        Assert.That(mailbox.Messages.Single().Message.Subject, Is.EqualTo("a"));
        Assert.That(mailbox.IsLocked, Is.False);
    }

    [Test]
    public void A_dropped_connection_deletes_nothing_and_releases_the_lock()
    {
        var mailbox = _server.Mailbox("alice");
        mailbox.Add("Subject: keep\r\n\r\nme\r\n");
        using (var client = Login())
        {
            Assert.That(client.Ask2("DELE 1"), Does.StartWith("+OK"));
            Assert.That(mailbox.IsLocked, Is.True);
        }

        LoopbackServer.WaitUntil(() => !mailbox.IsLocked, "the dropped session to release the maildrop");
        Assert.That(mailbox.Count, Is.EqualTo(1));
    }

    [Test]
    public void A_second_session_gets_in_use()
    {
        using var first = Login();
        using var second = RawClient.Connect(_server.Pop3Port);
        second.ReadLine();
        second.Ask2("USER alice");
        Assert.That(second.Ask2("PASS secret"), Is.EqualTo("-ERR [IN-USE] Maildrop already locked by another session"));
        first.Ask2("QUIT");
        LoopbackServer.WaitUntil(() => !_server.Mailbox("alice").IsLocked, "QUIT to release the lock");
        second.Ask2("USER alice");
        Assert.That(second.Ask2("PASS secret"), Does.StartWith("+OK"));
    }

    [Test]
    public void Wrong_password_gets_an_auth_response_code()
    {
        using var client = RawClient.Connect(_server.Pop3Port);
        client.ReadLine();
        client.Ask2("USER alice");
        Assert.That(client.Ask2("PASS nope"), Is.EqualTo("-ERR [AUTH] Invalid credentials"));
    }

    [Test]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "APOP is defined with MD5.")]
    public void Apop_and_auth_plain_log_in()
    {
        using (var client = RawClient.Connect(_server.Pop3Port))
        {
            var greeting = client.ReadLine();
            var timestamp = greeting[greeting.IndexOf('<', StringComparison.Ordinal)..];
            var digest = Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(timestamp + "secret")));
            Assert.That(client.Ask2($"APOP alice {digest}"), Does.StartWith("+OK alice has 0 messages"));
            client.Ask2("QUIT");
        }

        LoopbackServer.WaitUntil(() => !_server.Mailbox("alice").IsLocked, "QUIT to release the lock");
        using (var client = RawClient.Connect(_server.Pop3Port))
        {
            client.ReadLine();
            Assert.That(client.Ask2("AUTH PLAIN"), Is.EqualTo("+ "));
            Assert.That(client.Ask2(Convert.ToBase64String("\0alice\0secret"u8)), Does.StartWith("+OK"));
        }
    }

    [Test]
    public void Login_before_tls_is_refused_when_tls_is_required_and_works_after_stls()
    {
        _server.Options.RequireTlsForAuth = true;
        using var client = RawClient.Connect(_server.Pop3Port);
        client.ReadLine();
        Assert.That(client.Ask2("USER alice"), Does.StartWith("-ERR [AUTH] Plaintext authentication disallowed"));
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.AuthenticationWithoutTls));
        Assert.That(client.Ask2("STLS"), Is.EqualTo("+OK Begin TLS negotiation"));
        client.StartTls(_server);
        Assert.That(client.Ask2("USER alice"), Is.EqualTo("+OK"));
        Assert.That(client.Ask2("PASS secret"), Does.StartWith("+OK"));
    }

    [Test]
    public void Transaction_commands_before_login_are_out_of_sequence()
    {
        using var client = RawClient.Connect(_server.Pop3Port);
        client.ReadLine();
        Assert.That(client.Ask2("STAT"), Is.EqualTo("-ERR Not logged in"));
        Assert.That(client.Ask2("PASS secret"), Is.EqualTo("-ERR USER first"));
        Assert.That(_server.ProtocolViolations.Select(v => v.Kind), Is.All.EqualTo(ProtocolViolationKind.CommandOutOfSequence));
    }

    [Test]
    public void A_pipelined_batch_is_answered_in_one_write()
    {
        _server.Mailbox("alice").Add("Subject: a\r\n\r\na\r\n");
        using var client = Login();
        client.Send("STAT\r\nLIST 1\r\nUIDL 1\r\nNOOP\r\n");
        var segment = client.ReadOnce();
        Assert.That(segment.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(4), segment);
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    [Test]
    public void Pipelining_when_switched_off_is_recorded()
    {
        _server.Options.Pop3.Pipelining = false;
        using var client = Login();
        client.Send("NOOP\r\nNOOP\r\n");
        Assert.That(client.ReadLine(), Is.EqualTo("+OK"));
        Assert.That(client.ReadLine(), Is.EqualTo("+OK"));
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.UnadvertisedPipelining));
    }

    [Test]
    public void Smtp_delivery_lands_in_the_pop3_maildrop_of_the_matching_user()
    {
        using (var smtp = RawClient.Connect(_server.SmtpPort))
        {
            smtp.ReadReply();
            smtp.Ask("EHLO c");
            smtp.Ask("MAIL FROM:<s@example.net>");
            smtp.Ask("RCPT TO:<ALICE@Example.COM>");
            smtp.Ask("DATA");
            smtp.Send("Subject: via smtp\r\n\r\nhello\r\n.\r\n");
            Assert.That(smtp.ReadReply(), Does.StartWith("250"));
        }

        using var client = Login();
        client.Command("RETR 1");
        client.ReadLine();
        Assert.That(client.ReadMultiline(), Is.EqualTo(new[] { "Subject: via smtp", "", "hello" }));
    }
}

internal static class Pop3RawClientExtensions
{
    /// <summary>Sends a POP3 command and returns the one-line response.</summary>
    public static string Ask2(this RawClient client, string line)
    {
        client.Command(line);
        return client.ReadLine();
    }
}
