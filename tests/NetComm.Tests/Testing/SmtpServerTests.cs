using System.Text;
using NetComm.Testing;
using NetComm.Tests.Support;

namespace NetComm.Tests.Testing;

/// <summary>The SMTP side spoken by hand: exact bytes, strict checks, pipelining, limits.</summary>
[TestFixture]
public class SmtpServerTests
{
    private TestMailServer _server = null!;

    [SetUp]
    public void SetUp() => _server = TestMailServer.Launch(o => o.AddUser("alice", "secret"));

    [TearDown]
    public void TearDown() => _server.Dispose();

    private RawClient Open(string ehlo = "EHLO client.example")
    {
        var client = RawClient.Connect(_server.SmtpPort);
        Assert.That(client.ReadReply(), Does.StartWith("220 localhost ESMTP"));
        Assert.That(client.Ask(ehlo), Does.StartWith("250"));
        return client;
    }

    private static void Envelope(RawClient client, string to = "alice@example.com")
    {
        Assert.That(client.Ask("MAIL FROM:<s@example.net>"), Is.EqualTo("250 2.1.0 Ok"));
        Assert.That(client.Ask($"RCPT TO:<{to}>"), Is.EqualTo("250 2.1.5 Ok"));
    }

    [Test]
    public void Ehlo_lists_the_extensions_and_hides_auth_before_tls()
    {
        using var client = RawClient.Connect(_server.SmtpPort);
        client.ReadReply();
        var ehlo = client.Ask("EHLO client.example");
        Assert.That(ehlo.Split('\n'), Is.EqualTo(new[]
        {
            "250-localhost Hello client.example", "250-PIPELINING", "250-SIZE 10485760", "250-8BITMIME", "250-SMTPUTF8",
            "250-CHUNKING", "250-DSN", "250-ENHANCEDSTATUSCODES", "250 STARTTLS",
        }));

        Assert.That(client.Ask("STARTTLS"), Is.EqualTo("220 2.0.0 Ready to start TLS"));
        client.StartTls(_server);
        var secure = client.Ask("EHLO client.example");
        Assert.That(secure, Does.Contain("250-AUTH PLAIN LOGIN CRAM-MD5").And.Contain("REQUIRETLS").And.Not.Contain("STARTTLS"));
    }

    [Test]
    public void Switched_off_extensions_disappear_and_their_use_is_a_violation()
    {
        _server.Options.Smtp.Size = false;
        _server.Options.Smtp.EnhancedStatusCodes = false;
        using var client = Open();
        Assert.That(client.Ask("MAIL FROM:<s@example.net> SIZE=100"), Is.EqualTo("555 SIZE not supported"));
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.UnadvertisedExtension));
        Assert.That(client.Ask("MAIL FROM:<s@example.net>"), Is.EqualTo("250 Ok"), "no enhanced codes when switched off");
    }

    [Test]
    public void Data_is_unstuffed_exactly_and_the_reply_carries_a_queue_id()
    {
        using var client = Open();
        Envelope(client);
        Assert.That(client.Ask("DATA"), Does.StartWith("354 "));
        client.Send("Subject: dots\r\n\r\n..leading dot\r\n...two\r\n.\r\n");
        var reply = client.ReadReply();
        Assert.That(reply, Does.Match("^250 2.0.0 Ok: queued as [0-9A-F]{12}$"));
        var message = _server.WaitForMessages(1, Timeouts.Wait).Single();
        Assert.That(reply, Does.EndWith(message.QueueId));
        Assert.That(Encoding.ASCII.GetString(message.RawData.Span), Is.EqualTo("Subject: dots\r\n\r\n.leading dot\r\n..two\r\n"));
        Assert.That(message.Transfer, Is.EqualTo(MessageTransfer.Data));
        Assert.That(client.Ask("QUIT"), Is.EqualTo("221 2.0.0 Bye"));
    }

    [Test]
    public void Bare_lf_in_data_is_recorded_and_the_lf_dot_lf_sequence_does_not_end_the_message()
    {
        using var client = Open();
        Envelope(client);
        client.Ask("DATA");
        client.Send("Subject: smuggle\r\n\r\nline one\n.\nMAIL FROM:<evil@example.net>\r\n.\r\n");
        Assert.That(client.ReadReply(), Does.StartWith("250 2.0.0 Ok: queued as"));
        var message = _server.WaitForMessages(1, Timeouts.Wait).Single();
        Assert.That(Encoding.ASCII.GetString(message.RawData.Span), Does.EndWith("line one\n.\nMAIL FROM:<evil@example.net>\r\n"));
        var violation = _server.ProtocolViolations.Single();
        Assert.That(violation.Kind, Is.EqualTo(ProtocolViolationKind.BareLineFeed));
        Assert.That(violation.Detail, Does.Contain("2 bare LF"));
    }

    [Test]
    public void Strict_mode_rejects_bare_lf_in_data_with_554()
    {
        _server.Options.StrictMode = true;
        using var client = Open();
        Envelope(client);
        client.Ask("DATA");
        client.Send("Subject: x\r\n\r\nbare\nlf\r\n.\r\n");
        Assert.That(client.ReadReply(), Does.StartWith("554 5.6.0"));
        Assert.That(_server.Messages, Is.Empty);
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.BareLineFeed));
    }

    [Test]
    public void Bare_cr_and_long_lines_in_data_are_recorded()
    {
        using var client = Open();
        Envelope(client);
        client.Ask("DATA");
        client.Send($"Subject: x\r\n\r\na\rb\r\n{new string('y', 1200)}\r\n.\r\n");
        Assert.That(client.ReadReply(), Does.StartWith("250"));
        Assert.That(_server.ProtocolViolations.Select(v => v.Kind), Is.EquivalentTo(new[] { ProtocolViolationKind.BareCarriageReturn, ProtocolViolationKind.LineTooLong }));
    }

    [Test]
    public void Auth_before_tls_is_refused_with_538_and_recorded()
    {
        using var client = Open();
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0secret"));
        Assert.That(client.Ask("AUTH PLAIN " + credentials), Is.EqualTo("538 5.7.11 Encryption required for requested authentication mechanism"));
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.AuthenticationWithoutTls));
    }

    [Test]
    public void Auth_without_tls_works_when_not_required()
    {
        _server.Options.RequireTlsForAuth = false;
        using var client = Open();
        Assert.That(client.Ask("AUTH LOGIN"), Is.EqualTo("334 VXNlcm5hbWU6"));
        Assert.That(client.Ask(Convert.ToBase64String("alice"u8)), Is.EqualTo("334 UGFzc3dvcmQ6"));
        Assert.That(client.Ask(Convert.ToBase64String("secret"u8)), Is.EqualTo("235 2.7.0 Authentication successful"));
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    [Test]
    public void Auth_plain_over_tls_checks_the_password_and_can_be_cancelled()
    {
        using var client = RawClient.SmtpOverTls(_server);
        Assert.That(client.Ask("AUTH PLAIN " + Convert.ToBase64String("\0alice\0wrong"u8)), Is.EqualTo("535 5.7.8 Authentication credentials invalid"));
        Assert.That(client.Ask("AUTH PLAIN"), Is.EqualTo("334 "));
        Assert.That(client.Ask("*"), Does.StartWith("501 5.7.0"));
        Assert.That(client.Ask("AUTH PLAIN"), Is.EqualTo("334 "));
        Assert.That(client.Ask(Convert.ToBase64String("\0alice\0secret"u8)), Is.EqualTo("235 2.7.0 Authentication successful"));
        Assert.That(client.Ask("AUTH PLAIN"), Does.StartWith("503"));
    }

    [Test]
    public void Commands_out_of_sequence_get_503_and_are_recorded()
    {
        using var client = RawClient.Connect(_server.SmtpPort);
        client.ReadReply();
        Assert.That(client.Ask("MAIL FROM:<a@b>"), Is.EqualTo("503 5.5.1 Send EHLO or HELO first"));
        client.Ask("EHLO client.example");
        Assert.That(client.Ask("RCPT TO:<alice@example.com>"), Is.EqualTo("503 5.5.1 Need MAIL command first"));
        Assert.That(client.Ask("DATA"), Is.EqualTo("503 5.5.1 Need MAIL command first"));
        client.Ask("MAIL FROM:<a@b>");
        Assert.That(client.Ask("DATA"), Is.EqualTo("503 5.5.1 Need RCPT command first"));
        Assert.That(client.Ask("MAIL FROM:<a@b>"), Is.EqualTo("503 5.5.1 Nested MAIL command"));
        Assert.That(_server.ProtocolViolations.Select(v => v.Kind), Is.All.EqualTo(ProtocolViolationKind.CommandOutOfSequence));
        Assert.That(_server.ProtocolViolations, Has.Count.EqualTo(5));
        Assert.That(_server.ProtocolViolations[1].Detail, Is.EqualTo("RCPT before MAIL"));
    }

    [Test]
    public void A_pipelined_batch_is_answered_in_one_write()
    {
        using var client = Open();
        Assert.That(client.BufferedCount, Is.Zero);
        client.Send("MAIL FROM:<s@example.net>\r\nRCPT TO:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\n");
        var segment = client.ReadOnce();
        Assert.That(segment, Is.EqualTo("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"), "all three replies arrive in one read");
        client.Send("DATA\r\n");
        Assert.That(client.ReadReply(), Does.StartWith("354"));
        client.Send("Subject: p\r\n\r\nbody\r\n.\r\nMAIL FROM:<s2@example.net>\r\nRCPT TO:<alice@example.com>\r\n");
        Assert.That(client.ReadOnce(), Does.Match("^250 2.0.0 Ok: queued as \\w+\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n$"));
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    [Test]
    public void Pipelining_when_not_advertised_is_recorded_and_strict_mode_rejects_it()
    {
        _server.Options.Smtp.Pipelining = false;
        using (var client = Open())
        {
            client.Send("MAIL FROM:<s@example.net>\r\nRCPT TO:<alice@example.com>\r\n");
            Assert.That(client.ReadReply(), Is.EqualTo("250 2.1.0 Ok"));
            Assert.That(client.ReadReply(), Is.EqualTo("250 2.1.5 Ok"));
        }

        var violation = _server.ProtocolViolations.Single();
        Assert.That(violation.Kind, Is.EqualTo(ProtocolViolationKind.UnadvertisedPipelining));
        Assert.That(violation.Detail, Does.StartWith("\"RCPT TO:<alice@example.com>\""));

        _server.Options.StrictMode = true;
        using (var client = Open())
        {
            client.Send("MAIL FROM:<s@example.net>\r\nRCPT TO:<alice@example.com>\r\n");
            Assert.That(client.ReadReply(), Is.EqualTo("250 2.1.0 Ok"));
            Assert.That(client.ReadReply(), Does.StartWith("503 5.5.0"));
        }
    }

    [Test]
    public void Pipelined_rcpt_and_data_after_a_refused_mail_get_503_without_blame()
    {
        _server.Faults.RejectSender("bad@example.net");
        using var client = Open();
        client.Send("MAIL FROM:<bad@example.net>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n");
        Assert.That(client.ReadReply(), Is.EqualTo("550 5.7.1 Sender rejected"));
        Assert.That(client.ReadReply(), Does.StartWith("503"));
        Assert.That(client.ReadReply(), Does.StartWith("503"));
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    [Test]
    public void Size_declared_over_the_limit_is_refused_at_mail_and_an_oversized_body_with_552()
    {
        _server.Options.MaxMessageSize = 1000;
        using var client = Open();
        Assert.That(client.Ask("MAIL FROM:<s@example.net> SIZE=1001"), Is.EqualTo("552 5.3.4 Message size exceeds fixed maximum message size"));
        Envelope(client);
        client.Ask("DATA");
        client.Send("Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('z', 98) + "\r\n", 30)) + ".\r\n");
        Assert.That(client.ReadReply(), Is.EqualTo("552 5.3.4 Message size exceeds fixed maximum message size"));
        Assert.That(_server.Messages, Is.Empty);
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.MessageTooLarge));

        // The session stays in step after the refusal.
        Envelope(client);
        client.Ask("DATA");
        client.Send("Subject: small\r\n\r\nok\r\n.\r\n");
        Assert.That(client.ReadReply(), Does.StartWith("250"));
    }

    [Test]
    public void Bdat_is_binary_exact_across_chunks_and_pipelined()
    {
        using var client = Open();
        Envelope(client);
        var first = "Subject: chunks\r\n\r\n.starts with a dot\r\n"u8.ToArray();
        var second = "\0binary\n\r\n.\r\n"u8.ToArray();
        var batch = new List<byte>();
        batch.AddRange(Encoding.ASCII.GetBytes($"BDAT {first.Length}\r\n"));
        batch.AddRange(first);
        batch.AddRange(Encoding.ASCII.GetBytes($"BDAT {second.Length} LAST\r\n"));
        batch.AddRange(second);
        client.Send(batch.ToArray());
        Assert.That(client.ReadOnce(), Does.Match($"^250 2.0.0 {first.Length} octets received\r\n250 2.0.0 Ok: queued as \\w+\r\n$"));
        var message = _server.WaitForMessages(1, Timeouts.Wait).Single();
        Assert.That(message.RawData.ToArray(), Is.EqualTo(first.Concat(second).ToArray()));
        Assert.That(message.Transfer, Is.EqualTo(MessageTransfer.Bdat));
    }

    [Test]
    public void Bdat_without_chunking_is_consumed_refused_and_recorded()
    {
        _server.Options.Smtp.Chunking = false;
        using var client = Open();
        Envelope(client);
        client.Send("BDAT 5 LAST\r\nhello");
        Assert.That(client.ReadReply(), Is.EqualTo("502 5.5.1 BDAT not available"));
        Assert.That(client.Ask("NOOP"), Is.EqualTo("250 2.0.0 Ok"), "the chunk was skipped, not read as commands");
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.UnadvertisedExtension));
    }

    [Test]
    public void Mail_parameters_are_recorded_verbatim()
    {
        using var client = Open();
        Assert.That(client.Ask("MAIL FROM:<s@example.net> BODY=8BITMIME SIZE=42 RET=FULL ENVID=QQ314159 SMTPUTF8"), Does.StartWith("250"));
        Assert.That(client.Ask("RCPT TO:<alice@example.com> NOTIFY=NEVER ORCPT=rfc822;alice@example.com"), Does.StartWith("250"));
        client.Ask("DATA");
        client.Send("Subject: caf\u00e9\r\n\r\n8-bit \u00e9\r\n.\r\n");
        Assert.That(client.ReadReply(), Does.StartWith("250"));
        var envelope = _server.WaitForMessages(1, Timeouts.Wait).Single().Envelope;
        Assert.Multiple(() =>
        {
            Assert.That(envelope.Body, Is.EqualTo("8BITMIME"));
            Assert.That(envelope.Size, Is.EqualTo(42));
            Assert.That(envelope.Ret, Is.EqualTo("FULL"));
            Assert.That(envelope.EnvelopeId, Is.EqualTo("QQ314159"));
            Assert.That(envelope.SmtpUtf8, Is.True);
            Assert.That(envelope.Parameters["smtputf8"], Is.Null);
            Assert.That(envelope.Recipients[0].Notify, Is.EqualTo("NEVER"));
            Assert.That(envelope.Recipients[0].OriginalRecipient, Is.EqualTo("rfc822;alice@example.com"));
        });
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    [Test]
    public void Eight_bit_content_without_a_declaration_is_recorded()
    {
        using var client = Open();
        Envelope(client);
        client.Ask("DATA");
        client.Send("Subject: x\r\n\r\nna\u00efve\r\n.\r\n");
        Assert.That(client.ReadReply(), Does.StartWith("250"));
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.EightBitWithoutDeclaration));
    }

    [Test]
    public void A_utf8_address_needs_smtputf8()
    {
        using var client = Open();
        Assert.That(client.Ask("MAIL FROM:<j\u00fcrgen@example.de>"), Is.EqualTo("553 5.6.7 Non-ASCII address requires SMTPUTF8"));
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.Utf8WithoutSmtpUtf8));
        Assert.That(client.Ask("MAIL FROM:<j\u00fcrgen@example.de> SMTPUTF8"), Is.EqualTo("250 2.1.0 Ok"));
        Assert.That(client.Ask("RCPT TO:<\u00e9lise@example.fr>"), Is.EqualTo("250 2.1.5 Ok"));
    }

    [Test]
    public void Strict_mode_rejects_a_command_line_ended_by_a_bare_lf()
    {
        _server.Options.StrictMode = true;
        using var client = Open();
        client.Send("NOOP\n");
        Assert.That(client.ReadReply(), Does.StartWith("500 5.5.2"));
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.BareLineFeed));
    }

    [Test]
    public void Helo_sessions_get_no_extensions()
    {
        using var client = Open("HELO old.example");
        Assert.That(client.Ask("MAIL FROM:<s@example.net> BODY=8BITMIME"), Does.StartWith("555"));
        Assert.That(client.Ask("MAIL FROM:<s@example.net>"), Does.StartWith("250"));
    }

    [Test]
    public void Over_long_command_lines_are_recorded_and_over_the_cap_refused_without_losing_step()
    {
        using var client = Open();
        Assert.That(client.Ask("NOOP " + new string('a', 1100)), Is.EqualTo("250 2.0.0 Ok"));
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.LineTooLong));
        Assert.That(client.Ask("NOOP " + new string('b', 70_000)), Is.EqualTo("500 5.5.2 Line too long"));
        Assert.That(client.Ask("NOOP"), Is.EqualTo("250 2.0.0 Ok"));
    }

    [Test]
    public void Vrfy_rset_noop_help_and_unknown_commands()
    {
        using var client = Open();
        Assert.That(client.Ask("VRFY alice"), Does.StartWith("252 "));
        Assert.That(client.Ask("RSET"), Is.EqualTo("250 2.0.0 Ok"));
        Assert.That(client.Ask("HELP"), Does.StartWith("214 "));
        Assert.That(client.Ask("XYZZY"), Is.EqualTo("500 5.5.2 Command not recognized"));
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.UnknownCommand));
    }

    [Test]
    public void Plaintext_pipelined_after_starttls_is_discarded_and_recorded()
    {
        using var client = Open();
        client.Send("STARTTLS\r\nRSET\r\n");
        Assert.That(client.ReadReply(), Does.StartWith("220"));
        client.StartTls(_server);
        Assert.That(client.Ask("NOOP"), Is.EqualTo("250 2.0.0 Ok"), "the injected RSET was never answered");
        Assert.That(_server.ProtocolViolations.Single().Kind, Is.EqualTo(ProtocolViolationKind.PlaintextAfterTlsUpgrade));
    }

    [Test]
    public void Unknown_recipients_can_be_refused_and_recipient_limit_applies()
    {
        _server.Options.Smtp.AcceptUnknownRecipients = false;
        _server.Options.MaxRecipients = 1;
        using var client = Open();
        client.Ask("MAIL FROM:<s@example.net>");
        Assert.That(client.Ask("RCPT TO:<nobody@example.com>"), Is.EqualTo("550 5.1.1 No such user here"));
        Assert.That(client.Ask("RCPT TO:<alice@example.com>"), Does.StartWith("250"));
        Assert.That(client.Ask("RCPT TO:<alice@example.org>"), Is.EqualTo("452 4.5.3 Too many recipients"));
    }
}
