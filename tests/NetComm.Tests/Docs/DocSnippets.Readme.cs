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
    public static async Task SendAsync()
    {
        // snippet: README.md#smtp
        // A real server needs only its Host, Port and your credentials; an in-process one (NetComm.Testing) makes this run as is.
        await using var server = TestMailServer.Launch(o => o.AddUser("alice", "secret", "alice@example.test"));

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

    public static async Task ReceiveAsync()
    {
        // snippet: README.md#pop3
        // A real server needs only its Host, Port and your credentials; an in-process one (NetComm.Testing) makes this run as is.
        await using var server = TestMailServer.Launch(o => o.AddUser("alice", "secret", "alice@example.test"));
        server.Mailbox("alice").Add("From: sender@example.test\r\nTo: alice@example.test\r\nSubject: hello\r\n\r\nhello, POP3\r\n");

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
        await SendTo(server);

        var received = await server.WaitForMessagesAsync(1, TimeSpan.FromSeconds(5));
        Console.WriteLine(received[0].Message.Subject);
        return received[0].Message.Subject;
    }

    /// <summary>"The code under test" of the testing snippet.</summary>
    private static async Task SendTo(TestMailServer server)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("app@example.test"));
        message.To.Add(MailboxAddress.Parse("alice@example.test"));
        message.Subject = "Welcome";
        message.Body = new TextPart("plain") { Text = "hello" };
        await using var smtp = new SmtpClient(new SmtpClientOptions { Host = server.Host, Port = server.SmtpPort, Tls = { TrustedRoots = { server.Certificate } } });
        await smtp.ConnectAsync();
        await smtp.SendAsync(message);
    }
}
