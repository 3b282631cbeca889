using MimeKit;
using NetComm.Mail;
using NetComm.Mime;
using NetComm.Pop3;
using NetComm.Smtp;
using NetComm.Testing;

namespace NetComm.Tests.Docs;

/// <summary>The README's mail snippets, compiled and run against the in-process server (see <see cref="DocSnippets"/>).</summary>
public static class ReadmeMailSnippets
{
    public static async Task SendAsync(TestMailServer server)
    {
        // snippet: README.md#smtp
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Python爱好者", "sender@example.test"));
        message.To.Add(new MailboxAddress("管理员", "alice@example.test"));
        message.Subject = "来自SMTP的问候……";
        message.Body = new BodyBuilder { TextBody = "hello", HtmlBody = "<h1>hello</h1>" }.ToMessageBody();

        await using var smtp = new SmtpClient(new SmtpClientOptions
        {
            Host = server.Host,
            Port = server.SmtpPort,                       // STARTTLS is required by default off port 465
            Tls = { TrustedRoots = { server.Certificate } },
            Transcript = Console.Out,                     // like smtplib's set_debuglevel(1); secrets redacted
        });
        await smtp.ConnectAsync();
        await smtp.AuthenticateAsync(new MailCredentials("alice", "secret"));
        var sent = await smtp.SendAsync(message);         // pipelined; Bcc never transmitted
        Console.WriteLine($"queued as {sent.QueueId}");
        await smtp.DisconnectAsync();
    }

    public static async Task ReceiveAsync(TestMailServer server)
    {
        // snippet: README.md#pop3
        await using var pop3 = new Pop3Client(new Pop3ClientOptions
        {
            Host = server.Host,
            Port = server.Pop3Port,                       // STLS required by default off port 995
            Tls = { TrustedRoots = { server.Certificate } },
        });
        await pop3.ConnectAsync();
        await pop3.AuthenticateAsync(new MailCredentials("alice", "secret"));
        var stat = await pop3.StatAsync();
        var newest = await pop3.RetrieveAsync(stat.Count);
        Console.WriteLine(MessageOutline.Create(newest)); // decoded headers and the tree of parts
        await pop3.DeleteAsync(stat.Count);               // only marks it
        await pop3.CommitAsync();                         // QUIT: now it is deleted
    }

    public static async Task<string?> TestAsync()
    {
        // snippet: README.md#testing
        await using var server = TestMailServer.Launch(o => o.AddUser("alice", "secret", "alice@example.test"));
        server.Faults.RejectRecipient("nobody@example.test", 550, "5.1.1", "No such user");

        // ... run the code under test against server.Host / server.SmtpPort ...
        await SendAsync(server);

        var received = await server.WaitForMessagesAsync(1, TimeSpan.FromSeconds(5));
        Console.WriteLine(received[0].Message.Subject);
        await ReceiveAsync(server);
        return received[0].Message.Subject;
    }
}

[TestFixture]
public class ReadmeMailSnippetTests
{
    [Test]
    public async Task The_readme_mail_examples_run_end_to_end()
    {
        Assert.That(await ReadmeMailSnippets.TestAsync(), Is.EqualTo("来自SMTP的问候……"));
    }
}
