using System.Text;
using MimeKit;
using MimeKit.Utils;
using NetComm.Mail;
using NetComm.Mime;
using NetComm.Pop3;
using NetComm.Smtp;
using NetComm.Testing;

namespace NetComm.Tour;

/// <summary>
/// The tutorial's mail chapter: build the message (plain + HTML alternatives, a cid: image, an attachment),
/// send it with STARTTLS and login while printing the SMTP transcript, then read it back over POP3
/// (welcome, stat, list, retrieve the newest, print its outline, delete, quit) and check the mailbox is empty.
/// With no options everything runs against NetComm.Testing's in-process server on loopback.
/// </summary>
internal static class MailTour
{
    public static async Task RunAsync(TourOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        TestMailServer? server = null;
        var mail = options.Mail;
        if (mail.SmtpHost is null || mail.Pop3Host is null)
        {
            server = TestMailServer.Launch(o => o.AddUser(mail.User, mail.Password ?? TourMailOptions.DemoPassword, mail.To));
            output.WriteLine($"Mail server (in-process): SMTP {server.Host}:{server.SmtpPort}, POP3 {server.Host}:{server.Pop3Port}, certificate {server.Certificate.Subject}");
        }

        try
        {
            var password = mail.Password ?? TourMailOptions.DemoPassword;
            var credentials = new MailCredentials(mail.User, password);
            await SendAsync(mail, server, credentials, output, cancellationToken).ConfigureAwait(false);
            await ReceiveAsync(mail, server, credentials, output, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            server?.Dispose();
        }
    }

    /// <summary>The tutorial's message, built with MimeKit.</summary>
    public static MimeMessage BuildMessage(string from, string to)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Python爱好者", from));
        message.To.Add(new MailboxAddress("管理员", to));
        message.Subject = "来自SMTP的问候……";
        var builder = new BodyBuilder { TextBody = "hello, send by NetComm...\n" };
        var image = builder.LinkedResources.Add("test.png", TinyPng, new ContentType("image", "png"));
        image.ContentId = MimeUtils.GenerateMessageId();
        builder.HtmlBody = $"<html><body><h1>Hello</h1><p><img src=\"cid:{image.ContentId}\"></p></body></html>";
        builder.Attachments.Add("hello.txt", Encoding.UTF8.GetBytes("你好, attachment\n"), new ContentType("text", "plain") { Charset = "utf-8" });
        message.Body = builder.ToMessageBody();
        return message;
    }

    private static async Task SendAsync(TourMailOptions mail, TestMailServer? server, MailCredentials credentials, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine("-- SMTP (transcript, secrets redacted) --");
        var options = new SmtpClientOptions
        {
            Host = mail.SmtpHost ?? server!.Host,
            Port = mail.SmtpHost is null ? server!.SmtpPort : mail.SmtpPort,
            TlsMode = mail.SmtpHost is null ? TlsMode.StartTlsRequired : mail.SmtpTls,
            Transcript = output,
            LocalDomain = "tour.netcomm.test",
        };
        if (server is not null)
        {
            options.Tls.TrustedRoots.Add(server.Certificate);
        }

        await using var client = new SmtpClient(options);
        await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await client.AuthenticateAsync(credentials, cancellationToken).ConfigureAwait(false);
        var result = await client.SendAsync(BuildMessage(mail.From, mail.To), cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine($"SMTP: message accepted over {(result.UsedTls ? "TLS" : "plaintext")}, queue id {result.QueueId ?? "(none given)"}");
    }

    private static async Task ReceiveAsync(TourMailOptions mail, TestMailServer? server, MailCredentials credentials, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine("-- POP3 (transcript, secrets redacted) --");
        var options = new Pop3ClientOptions
        {
            Host = mail.Pop3Host ?? server!.Host,
            Port = mail.Pop3Host is null ? server!.Pop3Port : mail.Pop3Port,
            TlsMode = mail.Pop3Host is null ? TlsMode.StartTlsRequired : mail.Pop3Tls,
            Transcript = output,
        };
        if (server is not null)
        {
            options.Tls.TrustedRoots.Add(server.Certificate);
        }

        await using (var pop3 = new Pop3Client(options))
        {
            await pop3.ConnectAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine($"POP3 welcome: {pop3.Greeting}");
            await pop3.AuthenticateAsync(credentials, cancellationToken).ConfigureAwait(false);
            var stat = await pop3.StatAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine($"Messages: {stat.Count}. Size: {stat.TotalSize}");
            var list = await pop3.ListAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine($"list: {string.Join(", ", list.Select(e => $"{e.Number} {e.Size}"))}");
            if (stat.Count == 0)
            {
                throw new InvalidOperationException("the mailbox is empty: the message sent over SMTP did not arrive.");
            }

            var newest = list.Max(e => e.Number);
            var message = await pop3.RetrieveAsync(newest, cancellationToken: cancellationToken).ConfigureAwait(false);
            output.WriteLine($"Retrieved message {newest}:");
            output.WriteLine(MessageOutline.Create(message).ToString());
            await pop3.DeleteAsync(newest, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"Marked message {newest} for deletion; committing with QUIT.");
            await pop3.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        output.WriteLine("-- POP3 again: is the mailbox empty now? --");
        await using var check = new Pop3Client(options);
        await check.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await check.AuthenticateAsync(credentials, cancellationToken).ConfigureAwait(false);
        var after = await check.StatAsync(cancellationToken).ConfigureAwait(false);
        await check.AbandonAsync(cancellationToken).ConfigureAwait(false);
        if (mail.Pop3Host is null && after.Count != 0)
        {
            throw new InvalidOperationException($"the mailbox still holds {after.Count} message(s) after the deletion was committed.");
        }

        output.WriteLine(after.Count == 0 ? "POP3: mailbox is empty." : $"POP3: {after.Count} message(s) remain.");
    }

    private static byte[] TinyPng { get; } = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
}
