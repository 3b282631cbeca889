using System.Text;
using MailKit;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using NetComm.Testing;
using NetComm.Tests.Support;
using MailKitSmtpClient = MailKit.Net.Smtp.SmtpClient;

namespace NetComm.Tests.Testing;

/// <summary>MailKit, an independent and widely used client, against the test server.</summary>
[TestFixture]
public class MailKitInteropTests
{
    private TestMailServer _server = null!;

    [SetUp]
    public void SetUp() => _server = TestMailServer.Launch(o => o
        .AddUser("alice", "secret-a")
        .AddUser("bob", "secret-b", "bob@example.org", "robert@example.org"));

    [TearDown]
    public void TearDown() => _server.Dispose();

    private static MimeMessage NewMessage(string to = "alice@example.com", string subject = "Hello", string body = "Hi Alice.\n.A line that starts with a dot.\n..And two.\n")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.net"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    private MailKitSmtpClient ConnectSmtp(int port, SecureSocketOptions security)
    {
        var client = new MailKitSmtpClient { Timeout = (int)Timeouts.Wait.TotalMilliseconds, ServerCertificateValidationCallback = _server.CertificateValidationCallback };
        client.Connect(_server.Host, port, security);
        return client;
    }

    private Pop3Client ConnectPop3(int port, SecureSocketOptions security)
    {
        var client = new Pop3Client { Timeout = (int)Timeouts.Wait.TotalMilliseconds, ServerCertificateValidationCallback = _server.CertificateValidationCallback };
        client.Connect(_server.Host, port, security);
        return client;
    }

    private static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }

    [Test]
    public async Task Starttls_auth_send_then_pop3_stls_retrieve_delete_quit_round_trips_the_message()
    {
        var sent = NewMessage();
        using (var smtp = ConnectSmtp(_server.SmtpPort, SecureSocketOptions.StartTls))
        {
            Assert.That(smtp.IsSecure, Is.True);
            Assert.That(smtp.Capabilities.HasFlag(SmtpCapabilities.Pipelining), Is.True);
            smtp.Authenticate("alice", "secret-a");
            var response = smtp.Send(sent);
            Assert.That(response, Does.Match("Ok: queued as [0-9A-F]{12}"));
            smtp.Disconnect(quit: true);
        }

        var received = (await _server.WaitForMessagesAsync(1, Timeouts.Wait)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(received.Envelope.From, Is.EqualTo("sender@example.net"));
            Assert.That(received.Envelope.Recipients.Single().Address, Is.EqualTo("alice@example.com"));
            Assert.That(received.Envelope.Recipients.Single().User, Is.EqualTo("alice"));
            Assert.That(received.Session.IsTls, Is.True);
            Assert.That(received.Session.AuthenticatedUser, Is.EqualTo("alice"));
            Assert.That(received.Message.Subject, Is.EqualTo("Hello"));
            Assert.That(received.Message.TextBody, Is.EqualTo(((TextPart)sent.Body!).Text));
            Assert.That(_server.Mailbox("alice").Count, Is.EqualTo(1));
        });

        using (var pop3 = ConnectPop3(_server.Pop3Port, SecureSocketOptions.StartTls))
        {
            Assert.That(pop3.IsSecure, Is.True);
            pop3.Authenticate("alice", "secret-a");
            Assert.That(pop3.Count, Is.EqualTo(1));
            var fetched = pop3.GetMessage(0);
            Assert.That(Bytes(fetched), Is.EqualTo(received.RawData.ToArray()), "POP3 returns exactly the bytes SMTP received");
            Assert.That(fetched.MessageId, Is.EqualTo(sent.MessageId));
            pop3.DeleteMessage(0);
            Assert.That(_server.Mailbox("alice").Count, Is.EqualTo(1), "nothing is deleted before QUIT");
            pop3.Disconnect(quit: true);
        }

        LoopbackServer.WaitUntil(() => _server.Mailbox("alice").Count == 0 && !_server.Mailbox("alice").IsLocked, "QUIT to remove the message");
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    [Test]
    public void Implicit_tls_ports_serve_smtp_and_pop3()
    {
        using (var smtp = ConnectSmtp(_server.SmtpsPort, SecureSocketOptions.SslOnConnect))
        {
            smtp.Authenticate("bob", "secret-b");
            smtp.Send(NewMessage("robert@example.org"));
            smtp.Disconnect(true);
        }

        var received = _server.WaitForMessages(1, Timeouts.Wait).Single();
        Assert.That(received.Session.ImplicitTls, Is.True);
        Assert.That(received.Envelope.Recipients.Single().User, Is.EqualTo("bob"));

        using var pop3 = ConnectPop3(_server.Pop3sPort, SecureSocketOptions.SslOnConnect);
        pop3.Authenticate("bob", "secret-b");
        Assert.That(pop3.Count, Is.EqualTo(1));
        Assert.That(pop3.GetMessage(0).To.Mailboxes.Single().Address, Is.EqualTo("robert@example.org"));
        pop3.Disconnect(true);
    }

    [TestCase("PLAIN")]
    [TestCase("LOGIN")]
    [TestCase("CRAM-MD5")]
    public void Every_sasl_mechanism_authenticates_and_a_wrong_password_is_refused(string mechanism)
    {
        _server.Options.Smtp.AuthMechanisms.Clear();
        _server.Options.Smtp.AuthMechanisms.Add(mechanism);
        using (var smtp = ConnectSmtp(_server.SmtpPort, SecureSocketOptions.StartTls))
        {
            Assert.That(smtp.AuthenticationMechanisms, Is.EquivalentTo(new[] { mechanism }));
            Assert.Throws<AuthenticationException>(() => smtp.Authenticate("alice", "wrong"));
            smtp.Authenticate("alice", "secret-a");
            smtp.Send(NewMessage());
            smtp.Disconnect(true);
        }

        Assert.That(_server.WaitForMessages(1, Timeouts.Wait).Single().Session.AuthMechanism, Is.EqualTo(mechanism));
    }

    [Test]
    public void Mailkit_sends_data_by_default_and_bdat_when_it_prefers_binary_and_chunking_is_offered()
    {
        using (var smtp = ConnectSmtp(_server.SmtpPort, SecureSocketOptions.StartTls))
        {
            Assert.That(smtp.Capabilities.HasFlag(SmtpCapabilities.Chunking), Is.True);
            smtp.Send(NewMessage(subject: "dotted"));
            smtp.Disconnect(true);
        }

        using (var smtp = new BdatClient { Timeout = (int)Timeouts.Wait.TotalMilliseconds, ServerCertificateValidationCallback = _server.CertificateValidationCallback })
        {
            smtp.Connect(_server.Host, _server.SmtpPort, SecureSocketOptions.StartTls);
            smtp.Send(NewMessage(subject: "chunked"));
            smtp.Disconnect(true);
        }

        _server.Options.Smtp.Chunking = false;
        using (var smtp = new BdatClient { Timeout = (int)Timeouts.Wait.TotalMilliseconds, ServerCertificateValidationCallback = _server.CertificateValidationCallback })
        {
            smtp.Connect(_server.Host, _server.SmtpPort, SecureSocketOptions.StartTls);
            Assert.That(smtp.Capabilities.HasFlag(SmtpCapabilities.Chunking), Is.False);
            smtp.Send(NewMessage(subject: "fallback"));
            smtp.Disconnect(true);
        }

        var messages = _server.WaitForMessages(3, Timeouts.Wait);
        Assert.That(messages.Select(m => m.Transfer), Is.EqualTo(new[] { MessageTransfer.Data, MessageTransfer.Bdat, MessageTransfer.Data }));
        Assert.That(messages.Select(m => m.Message.TextBody).Distinct().Count(), Is.EqualTo(1), "BDAT and DATA deliver the same content");
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    [Test]
    public void Without_pipelining_mailkit_waits_for_each_reply_and_nothing_is_flagged()
    {
        _server.Options.Smtp.Pipelining = false;
        _server.Options.StrictMode = true;
        using (var smtp = ConnectSmtp(_server.SmtpPort, SecureSocketOptions.StartTls))
        {
            smtp.Send(NewMessage("alice@example.com"), MailboxAddress.Parse("sender@example.net"), [MailboxAddress.Parse("alice@example.com"), MailboxAddress.Parse("bob@example.org")]);
            smtp.Disconnect(true);
        }

        Assert.That(_server.WaitForMessages(1, Timeouts.Wait).Single().Envelope.Recipients, Has.Count.EqualTo(2));
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    [Test]
    public void Dsn_parameters_and_smtputf8_are_recorded_in_the_envelope()
    {
        var message = NewMessage("alice@example.com");
        message.From.Clear();
        message.From.Add(new MailboxAddress("Jürgen", "jürgen@exämple.de"));
        using (var smtp = new DsnClient
        {
            Timeout = (int)Timeouts.Wait.TotalMilliseconds,
            ServerCertificateValidationCallback = _server.CertificateValidationCallback,
            DeliveryStatusNotificationType = DeliveryStatusNotificationType.HeadersOnly,
            RequireTLS = true,
        })
        {
            smtp.Connect(_server.Host, _server.SmtpPort, SecureSocketOptions.StartTls);
            smtp.Send(message);
            smtp.Disconnect(true);
        }

        var envelope = _server.WaitForMessages(1, Timeouts.Wait).Single().Envelope;
        Assert.Multiple(() =>
        {
            Assert.That(envelope.From, Is.EqualTo("jürgen@exämple.de"));
            Assert.That(envelope.SmtpUtf8, Is.True);
            Assert.That(envelope.Ret, Is.EqualTo("HDRS"));
            Assert.That(envelope.EnvelopeId, Is.EqualTo("envelope-42"));
            Assert.That(envelope.RequireTls, Is.True);
            Assert.That(envelope.Size, Is.GreaterThan(0));
            Assert.That(envelope.Recipients.Single().Notify, Is.EqualTo("SUCCESS,FAILURE"));
            Assert.That(envelope.Recipients.Single().OriginalRecipient, Does.StartWith("rfc822;alice@example.com"));
        });
    }

    [Test]
    public void A_rejected_recipient_surfaces_as_mailkit_command_exception_with_the_code()
    {
        _server.Faults.RejectRecipient("bob@example.org", 550, "5.1.1", "No such user");
        using var smtp = ConnectSmtp(_server.SmtpPort, SecureSocketOptions.StartTls);
        var error = Assert.Throws<SmtpCommandException>(() => smtp.Send(NewMessage("bob@example.org")));
        Assert.That(error!.ErrorCode, Is.EqualTo(SmtpErrorCode.RecipientNotAccepted));
        Assert.That((int)error.StatusCode, Is.EqualTo(550));
        Assert.That(error.Message, Does.Contain("No such user"));

        // The session is still usable.
        smtp.Send(NewMessage("alice@example.com"));
        Assert.That(_server.WaitForMessages(1, Timeouts.Wait), Has.Count.EqualTo(1));
    }

    [Test]
    public void A_message_over_the_advertised_size_is_refused_by_mailkit_before_sending()
    {
        _server.Options.MaxMessageSize = 2048;
        using var smtp = ConnectSmtp(_server.SmtpPort, SecureSocketOptions.StartTls);
        Assert.That(smtp.MaxSize, Is.EqualTo(2048));
        var big = NewMessage(body: new string('x', 4000));
        var error = Assert.Throws<SmtpCommandException>(() => smtp.Send(big));
        Assert.That((int)error!.StatusCode, Is.EqualTo(552));
        Assert.That(_server.Messages, Is.Empty);
    }

    [Test]
    public void Pop3_second_session_gets_in_use_while_the_first_holds_the_lock()
    {
        _server.Mailbox("alice").Add(NewMessage());
        using var first = ConnectPop3(_server.Pop3Port, SecureSocketOptions.StartTls);
        first.Authenticate("alice", "secret-a");
        using var second = ConnectPop3(_server.Pop3Port, SecureSocketOptions.StartTls);

        // MailKit reports "-ERR [IN-USE]" as a plain authentication failure (it tries every mechanism and keeps no response code).
        Assert.Throws<AuthenticationException>(() => second.Authenticate("alice", "secret-a"));
        Assert.That(_server.Mailbox("alice").IsLocked, Is.True);
        first.Disconnect(true);
        LoopbackServer.WaitUntil(() => !_server.Mailbox("alice").IsLocked, "the first session to release the lock");
    }

    [Test]
    public void Mailkit_pop3_reads_uids_sizes_and_headers()
    {
        var a = _server.Mailbox("alice").Add(NewMessage(subject: "one"));
        var b = _server.Mailbox("alice").Add(NewMessage(subject: "two"));
        using var pop3 = ConnectPop3(_server.Pop3Port, SecureSocketOptions.StartTls);
        Assert.That(pop3.Capabilities.HasFlag(Pop3Capabilities.Pipelining), Is.True);
        pop3.Authenticate("alice", "secret-a");
        Assert.That(pop3.GetMessageUids(), Is.EqualTo(new[] { a.Uid, b.Uid }));
        Assert.That(pop3.GetMessageSizes(), Is.EqualTo(new[] { a.Size, b.Size }));
        Assert.That(pop3.GetMessageHeaders(1)[HeaderId.Subject], Is.EqualTo("two"));
        var all = pop3.GetMessages(new[] { 0, 1 });
        Assert.That(all.Select(m => m.Subject), Is.EqualTo(new[] { "one", "two" }));
        pop3.Disconnect(true);
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    /// <summary>A MailKit client that asks for DSNs (MailKit's documented extension points).</summary>
    private sealed class DsnClient : MailKitSmtpClient
    {
        protected override string GetEnvelopeId(MimeMessage message) => "envelope-42";

        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
            => DeliveryStatusNotification.Success | DeliveryStatusNotification.Failure;

    }

    /// <summary>A MailKit client that sends with BDAT whenever the server offers CHUNKING.</summary>
    private sealed class BdatClient : MailKitSmtpClient
    {
        protected override bool PreferSendAsBinaryData => true;
    }
}
