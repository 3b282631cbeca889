using NetComm.Testing;
using NetComm.Tests.Support;

namespace NetComm.Tests.Testing;

/// <summary>Every injected fault, seen from a client.</summary>
[TestFixture]
public class FaultInjectionTests
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

    private RawClient Smtp()
    {
        var client = RawClient.Connect(_server.SmtpPort);
        client.ReadReply();
        client.Ask("EHLO client.example");
        return client;
    }

    [Test]
    public void Reject_recipient_refuses_only_that_address()
    {
        _server.Faults.RejectRecipient("bob@example.com", 550, "5.1.1", "No such user");
        using var client = Smtp();
        client.Ask("MAIL FROM:<s@example.net>");
        Assert.That(client.Ask("RCPT TO:<BOB@example.com>"), Is.EqualTo("550 5.1.1 No such user"));
        Assert.That(client.Ask("RCPT TO:<alice@example.com>"), Is.EqualTo("250 2.1.5 Ok"));
    }

    [Test]
    public void Temporary_failure_with_times_fails_only_the_first_attempts()
    {
        _server.Faults.TemporaryFailure("MAIL", 451, "4.3.0", "Try later", times: 2);
        using var client = Smtp();
        Assert.That(client.Ask("MAIL FROM:<s@example.net>"), Is.EqualTo("451 4.3.0 Try later"));
        Assert.That(client.Ask("MAIL FROM:<s@example.net>"), Is.EqualTo("451 4.3.0 Try later"));
        Assert.That(client.Ask("MAIL FROM:<s@example.net>"), Is.EqualTo("250 2.1.0 Ok"));
        Assert.That(_server.Faults.Count, Is.Zero);
    }

    [Test]
    public void Reply_answers_any_command_verbatim_even_multiline()
    {
        _server.Faults.Reply("NOOP", 421, "4.4.2 Going down\nReally");
        _server.Faults.ReplyWhen(line => line.Contains("weird", StringComparison.Ordinal), 250, "Whatever you say");
        using var client = Smtp();
        Assert.That(client.Ask("NOOP"), Is.EqualTo("421-4.4.2 Going down\n421 Really"));
        Assert.That(client.Ask("VRFY weird"), Is.EqualTo("250 Whatever you say"));
    }

    [Test]
    public void Disconnect_during_data_closes_after_the_354()
    {
        _server.Faults.DisconnectDuringData();
        using var client = Smtp();
        client.Ask("MAIL FROM:<s@example.net>");
        client.Ask("RCPT TO:<alice@example.com>");
        Assert.That(client.Ask("DATA"), Does.StartWith("354"));
        client.Send("Subject: half\r\n\r\n");
        Assert.That(client.WaitForClose(), Is.True);
        Assert.That(_server.Messages, Is.Empty);
    }

    [Test]
    public void Service_not_available_answers_421_and_closes()
    {
        _server.Faults.ServiceNotAvailable("MAIL", times: 1);
        using var client = Smtp();
        Assert.That(client.Ask("MAIL FROM:<s@example.net>"), Is.EqualTo("421 4.3.2 Service not available, closing transmission channel"));
        Assert.That(client.WaitForClose(), Is.True);
        using var next = Smtp();
        Assert.That(next.Ask("MAIL FROM:<s@example.net>"), Is.EqualTo("250 2.1.0 Ok"), "times: 1 used up");
    }

    [Test]
    public void Greylist_defers_a_recipient_until_its_delay_has_passed()
    {
        // Zero delay: the first RCPT per address is deferred, any later one passes (no clock needed in the test).
        _server.Faults.Greylist(TimeSpan.Zero);
        using var client = Smtp();
        client.Ask("MAIL FROM:<s@example.net>");
        Assert.That(client.Ask("RCPT TO:<alice@example.com>"), Is.EqualTo("451 4.7.1 Greylisted, please try again later"));
        Assert.That(client.Ask("RCPT TO:<ALICE@example.com>"), Is.EqualTo("250 2.1.5 Ok"));
        Assert.That(client.Ask("RCPT TO:<bob@example.com>"), Does.StartWith("451 4.7.1"));
    }

    [Test]
    public void Greylist_keeps_deferring_a_client_that_retries_too_soon()
    {
        _server.Faults.Greylist(TimeSpan.FromHours(1));
        using var client = Smtp();
        client.Ask("MAIL FROM:<s@example.net>");
        Assert.That(client.Ask("RCPT TO:<alice@example.com>"), Does.StartWith("451 4.7.1"));
        Assert.That(client.Ask("RCPT TO:<alice@example.com>"), Does.StartWith("451 4.7.1"));
    }

    [Test]
    public void Limit_messages_per_connection_answers_the_next_mail_with_421_and_closes()
    {
        _server.Faults.LimitMessagesPerConnection(2);
        Assert.That(_server.Faults.MessagesPerConnection, Is.EqualTo(2));
        using var client = Smtp();
        for (var i = 0; i < 2; i++)
        {
            client.Ask("MAIL FROM:<s@example.net>");
            client.Ask("RCPT TO:<alice@example.com>");
            client.Ask("DATA");
            Assert.That(client.Ask($"Subject: {i}\r\n\r\nx\r\n."), Does.StartWith("250"));
        }

        Assert.That(client.Ask("MAIL FROM:<s@example.net>"), Does.StartWith("421 4.7.0 Too many messages on one connection (limit 2)"));
        Assert.That(client.WaitForClose(), Is.True);
        Assert.That(_server.Messages, Has.Count.EqualTo(2));
        _server.Faults.Clear();
        Assert.That(_server.Faults.MessagesPerConnection, Is.Zero);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Disconnect_after_final_dot_loses_the_reply_and_keeps_the_message_only_if_asked(bool keep)
    {
        _server.Faults.DisconnectAfterFinalDot(keepMessage: keep);
        using var client = Smtp();
        client.Ask("MAIL FROM:<s@example.net>");
        client.Ask("RCPT TO:<alice@example.com>");
        client.Ask("DATA");
        client.Send("Subject: lost reply\r\n\r\nx\r\n.\r\n");
        Assert.That(client.WaitForClose(), Is.True);
        Assert.That(_server.Messages, Has.Count.EqualTo(keep ? 1 : 0));
        Assert.That(_server.Mailbox("alice").Count, Is.EqualTo(keep ? 1 : 0));
    }

    [Test]
    public void Reject_message_refuses_after_the_content()
    {
        _server.Faults.RejectMessage(554, "5.7.1", "Spam detected", times: 1);
        using var client = Smtp();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            client.Ask("MAIL FROM:<s@example.net>");
            client.Ask("RCPT TO:<alice@example.com>");
            client.Ask("DATA");
            client.Send("Subject: s\r\n\r\nx\r\n.\r\n");
            Assert.That(client.ReadReply(), attempt == 0 ? Is.EqualTo("554 5.7.1 Spam detected") : Does.StartWith("250 2.0.0 Ok"));
        }

        Assert.That(_server.Messages, Has.Count.EqualTo(1));
    }

    [Test]
    public void Disconnect_on_a_command_closes_without_reply()
    {
        _server.Faults.DisconnectOn("RCPT");
        using var client = Smtp();
        client.Ask("MAIL FROM:<s@example.net>");
        client.Command("RCPT TO:<alice@example.com>");
        Assert.That(client.WaitForClose(), Is.True);
    }

    [Test]
    public void Slow_replies_delay_each_batch()
    {
        using var client = Smtp();
        _server.Faults.SlowReplies(TimeSpan.FromMilliseconds(200));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        client.Ask("NOOP");
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190)));
        _server.Faults.Clear();
        Assert.That(_server.Faults.ReplyDelay, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void Pop3_faults_error_on_retr_and_disconnect_mid_retr()
    {
        var mailbox = _server.Mailbox("alice");
        mailbox.Add("Subject: one\r\n\r\n" + new string('a', 500) + "\r\n");
        mailbox.Add("Subject: two\r\n\r\nb\r\n");
        _server.Faults.Pop3FailRetrieve(1).Pop3DisconnectDuringRetrieve(2).Pop3Error("STAT", "[SYS/TEMP] busy", times: 1);
        using var client = RawClient.Connect(_server.Pop3Port);
        client.ReadLine();
        client.Ask2("USER alice");
        client.Ask2("PASS secret");
        Assert.That(client.Ask2("STAT"), Is.EqualTo("-ERR [SYS/TEMP] busy"));
        Assert.That(client.Ask2("STAT"), Does.StartWith("+OK 2"));
        Assert.That(client.Ask2("RETR 1"), Is.EqualTo("-ERR [SYS/TEMP] Unable to read the message"));
        Assert.That(client.Ask2("DELE 1"), Does.StartWith("+OK"));
        client.Command("RETR 2");
        Assert.That(client.ReadLine(), Does.StartWith("+OK"));
        Assert.That(client.WaitForClose(), Is.True);
        LoopbackServer.WaitUntil(() => !mailbox.IsLocked, "the cut session to release the lock");
        Assert.That(mailbox.Count, Is.EqualTo(2), "a session cut mid-RETR deletes nothing");
    }

    [Test]
    public void Pop3_reply_and_disconnect_on_command()
    {
        _server.Faults.Pop3ReplyWhen(line => line.StartsWith("USER", StringComparison.Ordinal), "-ERR [SYS/PERM] Account disabled").Pop3DisconnectOn("CAPA");
        using var client = RawClient.Connect(_server.Pop3Port);
        client.ReadLine();
        Assert.That(client.Ask2("USER alice"), Is.EqualTo("-ERR [SYS/PERM] Account disabled"));
        client.Command("CAPA");
        Assert.That(client.WaitForClose(), Is.True);
    }
}
