using MailKit.Net.Pop3;
using MailKit.Security;
using MimeKit;
using Moq;
using NetComm.Testing;
using MailKitSmtpClient = MailKit.Net.Smtp.SmtpClient;

namespace NetComm.Tests.Docs;

/// <summary>
/// The C# snippets of docs/testing.md (written by the NetComm.Testing authors), under the same rule as
/// <see cref="DocSnippets"/>. They live in their own file because they import MailKit, whose type names
/// (Pop3Client, SmtpClient) would clash with NetComm's in the other snippets. The fixture in the first
/// snippet is a real NUnit fixture and runs with the other tests.
/// </summary>
public static class TestingDocSnippets
{
    // snippet: docs/testing.md#mailkit-fixture
    [TestFixture]
    public class SignupMailTests
    {
        private TestMailServer _server = null!;

        [SetUp]
        public void SetUp() => _server = TestMailServer.Launch(o => o.AddUser("alice", "secret"));

        [TearDown]
        public void TearDown() => _server.Dispose();

        [Test]
        public async Task Welcome_mail_reaches_the_user()
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("app@example.net"));
            message.To.Add(MailboxAddress.Parse("alice@example.com"));
            message.Subject = "Welcome";
            message.Body = new TextPart("plain") { Text = "Hello Alice." };

            using (var smtp = new MailKitSmtpClient { ServerCertificateValidationCallback = _server.CertificateValidationCallback })
            {
                smtp.Connect(_server.Host, _server.SmtpPort, SecureSocketOptions.StartTls);
                smtp.Authenticate("alice", "secret");
                smtp.Send(message);
                smtp.Disconnect(true);
            }

            var received = (await _server.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10))).Single();
            Assert.That(received.Envelope.Recipients.Single().Address, Is.EqualTo("alice@example.com"));
            Assert.That(received.Message.Subject, Is.EqualTo("Welcome"));
            Assert.That(received.Session.IsTls, Is.True);

            using var pop3 = new Pop3Client { ServerCertificateValidationCallback = _server.CertificateValidationCallback };
            pop3.Connect(_server.Host, _server.Pop3Port, SecureSocketOptions.StartTls);
            pop3.Authenticate("alice", "secret");
            Assert.That(pop3.GetMessage(0).Subject, Is.EqualTo("Welcome"));
            pop3.DeleteMessage(0);
            pop3.Disconnect(true);                    // QUIT: only now is the message removed
            Assert.That(_server.ProtocolViolations, Is.Empty);
        }
    }

    // snippet: docs/testing.md#faults
    public static void Faults(TestMailServer server)
    {
        // A recipient that does not exist.
        server.Faults.RejectRecipient("bob@example.com", 550, "5.1.1", "No such user");

        // Greylisting: the first two MAIL commands fail with 451, then it works.
        server.Faults.TemporaryFailure("MAIL", 451, "4.7.1", "Greylisted, try again", times: 2);

        // Any command, any reply (the text goes out as is; a line break makes it multi-line).
        server.Faults.Reply("EHLO", 421, "4.3.2 Service shutting down");
        server.Faults.ReplyWhen(line => line.Contains("NOTIFY=", StringComparison.Ordinal), 555, "5.5.4 DSN refused");

        // The content is refused after the final dot (or BDAT LAST).
        server.Faults.RejectMessage(554, "5.7.1", "Spam detected");

        // The connection goes away: at a command, during DATA, or after the final dot before the reply.
        server.Faults.DisconnectOn("RCPT");
        server.Faults.DisconnectDuringData();
        server.Faults.DisconnectAfterFinalDot(keepMessage: true);   // the message is stored: a retry makes a duplicate

        // Every batch of replies is late (SMTP and POP3): test your client's timeouts.
        server.Faults.SlowReplies(TimeSpan.FromSeconds(2));

        // Greylisting as a real server does it, per recipient: 451 4.7.1 until 5 minutes after the first try.
        server.Faults.Greylist(TimeSpan.FromMinutes(5));

        // The server closes the channel: 421, then the connection closes; three in a row make a 421 storm.
        server.Faults.ServiceNotAvailable("MAIL", times: 3);

        // A per-connection limit: after 100 messages, the next MAIL gets 421 4.7.0 and the connection closes.
        server.Faults.LimitMessagesPerConnection(100);

        // POP3.
        server.Faults.Pop3FailRetrieve(1);                          // RETR 1 / TOP 1 get "-ERR [SYS/TEMP] ..."
        server.Faults.Pop3DisconnectDuringRetrieve(2);              // +OK, half the message, then the connection closes
        server.Faults.Pop3Error("STAT", "[SYS/TEMP] Busy", times: 1);
        server.Faults.Pop3ReplyWhen(line => line.StartsWith("USER", StringComparison.Ordinal), "-ERR [SYS/PERM] Account disabled");
        server.Faults.Pop3DisconnectOn("QUIT");                     // QUIT never answered: nothing is deleted

        server.Faults.Clear();
    }

    // snippet: docs/testing.md#moq
    public interface IMailSender
    {
        Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
    }

    /// <summary>
    /// The block's second paragraph. "run the code under test" is left to the reader, so Verify would fail
    /// here: compiled, never called. (A type declaration and statements cannot share one method, so the
    /// check allows a block to be split at its blank lines.)
    /// </summary>
    public static void MoqUsage()
    {
        var sender = new Mock<IMailSender>();
        sender.Setup(s => s.SendAsync(It.IsAny<MimeMessage>(), It.IsAny<CancellationToken>()))
              .ThrowsAsync(new IOException("connection reset"));
        // ... run the code under test, then:
        sender.Verify(s => s.SendAsync(It.Is<MimeMessage>(m => m.Subject == "Welcome"), It.IsAny<CancellationToken>()), Times.Exactly(3));
    }
}
