using MimeKit;
using Moq;
using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Smtp;
using NetComm.Testing;
using NetComm.Transport;

namespace NetComm.Tests.Docs;

/// <summary>docs/testing.md's NetComm examples: its clients against <see cref="TestMailServer"/>, and mocked with Moq.</summary>
public static class TestingNetCommSnippets
{
    public static async Task NetCommClients()
    {
        // snippet: docs/testing.md#netcomm-clients
        await using var server = TestMailServer.Launch(o => o.AddUser("alice", "secret", "alice@example.test"));
        var tls = new TlsClientOptions { TrustedRoots = { server.Certificate } };

        await using (var smtp = new SmtpClient(new SmtpClientOptions { Host = server.Host, Port = server.SmtpPort, Tls = tls }))
        {
            await smtp.ConnectAsync();                                   // STARTTLS, required by default
            await smtp.AuthenticateAsync(new MailCredentials("alice", "secret"));
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("app@example.test"));
            message.To.Add(MailboxAddress.Parse("alice@example.test"));
            message.Subject = "Welcome";
            message.Body = new TextPart("plain") { Text = "hello" };
            await smtp.SendAsync(message);
        }

        var received = await server.WaitForMessagesAsync(1, TimeSpan.FromSeconds(5));
        Assert.That(received[0].Envelope.Recipients.Select(r => r.Address), Is.EqualTo(new[] { "alice@example.test" }));
        Assert.That(server.ProtocolViolations, Is.Empty);

        await using var pop3 = new Pop3Client(new Pop3ClientOptions { Host = server.Host, Port = server.Pop3Port, Tls = tls });
        await pop3.ConnectAsync();
        await pop3.AuthenticateAsync(new MailCredentials("alice", "secret"));
        var fetched = await pop3.RetrieveAsync(1);
        Assert.That(fetched.Subject, Is.EqualTo("Welcome"));
    }

    public static async Task MockedSmtpClient()
    {
        // snippet: docs/testing.md#moq-smtp
        var smtp = new Mock<ISmtpClient>();
        smtp.Setup(c => c.SendAsync(It.IsAny<MimeMessage>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new SmtpSendResult(
                [new SmtpRecipientResult("alice@example.test", new SmtpReply(250, ["2.1.5 Ok"]))],
                new SmtpReply(250, ["2.0.0 Ok: queued as 4F2A1"]),
                usedTls: true, usedPipelining: true, usedChunking: false, bytesSent: 1_234));

        var result = await smtp.Object.SendAsync(new MimeMessage());   // the code under test calls this
        smtp.Verify(c => c.SendAsync(It.IsAny<MimeMessage>(), It.IsAny<CancellationToken>()), Times.Once());
        Assert.That(result.QueueId, Is.EqualTo("4F2A1"));
    }

    public static async Task MockedPop3Client()
    {
        // snippet: docs/testing.md#moq-pop3
        var pop3 = new Mock<IPop3Client>();
        pop3.Setup(c => c.StatAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new Pop3Stat(2, 4_096));
        pop3.Setup(c => c.RetrieveAsync(It.IsAny<IEnumerable<int>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Pop3BatchResult<MimeMessage>(
            [
                new Pop3BatchItem<MimeMessage>(1, new MimeMessage { Subject = "first" }, null),
                new Pop3BatchItem<MimeMessage>(2, null, new Pop3CommandException("-ERR [SYS/TEMP] try later") { MessageNumber = 2, IsTransient = true }),
            ]));

        var stat = await pop3.Object.StatAsync();                      // the code under test calls these
        var batch = await pop3.Object.RetrieveAsync(Enumerable.Range(1, stat.Count));
        Assert.That(batch.Values.Single().Subject, Is.EqualTo("first"));
        Assert.That(batch.Failures.Single().MessageNumber, Is.EqualTo(2));
    }
}
