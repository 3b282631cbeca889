using System.Text;
using MimeKit;
using MimeKit.Utils;
using NetComm.InteropTests.Support;
using NetComm.Mail;
using NetComm.Smtp;

namespace NetComm.InteropTests.Smtp;

/// <summary>Shared pieces for tests against real SMTP servers.</summary>
public abstract class SmtpInteropBase
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    protected static string Domain => InteropEnvironment.Get("MAIL_DOMAIN");

    protected static MailCredentials Alice => new(InteropEnvironment.Get("ALICE_USER"), InteropEnvironment.Get("ALICE_PASS"));

    protected static SmtpClientOptions Options(string portName, TlsMode mode) => new()
    {
        Host = InteropEnvironment.TlsHost,
        Port = InteropEnvironment.Port(portName),
        TlsMode = mode,
        Tls = InteropEnvironment.Tls,
        LocalDomain = "client.example.test",
        CommandTimeout = Wait,
    };

    /// <summary>The tutorial's message: display names, subject, plain and HTML alternatives, an inline cid: image, an attachment.</summary>
    protected static MimeMessage TutorialMessage(string to)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Python爱好者", $"sender@{Domain}"));
        message.To.Add(new MailboxAddress("管理员", to));
        message.Subject = "来自SMTP的问候……";
        var builder = new BodyBuilder { TextBody = "hello, send by NetComm...\n.\n..leading dots stay\n" };
        var image = builder.LinkedResources.Add("test.png", TinyPng);
        image.ContentId = MimeUtils.GenerateMessageId();
        builder.HtmlBody = $"<html><body><h1>Hello</h1><p><img src=\"cid:{image.ContentId}\"></p></body></html>";
        builder.Attachments.Add("notes.txt", Encoding.UTF8.GetBytes("an attachment\r\n"), new ContentType("text", "plain"));
        message.Body = builder.ToMessageBody();
        return message;
    }

    protected static byte[] TinyPng { get; } = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>The bytes MimeKit writes for the message, as our client transmits them (Bcc hidden, CRLF).</summary>
    protected static string Serialized(MimeMessage message, bool international = false)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.International = international;
        options.HiddenHeaders.Add(HeaderId.Bcc);
        using var stream = new MemoryStream();
        message.WriteTo(options, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The message Postfix delivered with queue id <paramref name="queueId"/>, without the Received header it added.</summary>
    protected static async Task<string> PostfixDeliveredAsync(string user, string queueId)
    {
        var directory = Path.Combine(InteropEnvironment.Get("DELIVERED_DIR"), user.ToLowerInvariant());
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            var file = Directory.Exists(directory) ? Directory.GetFiles(directory, $"*{queueId}.eml").FirstOrDefault() : null;
            if (file is not null)
            {
                var text = await File.ReadAllTextAsync(file);
                var lines = text.Split('\n').ToList();
                lines.RemoveAt(0);
                while (lines.Count > 0 && lines[0].Length > 0 && lines[0][0] is ' ' or '\t')
                {
                    lines.RemoveAt(0);
                }

                return string.Join('\n', lines);
            }

            await Task.Delay(50);
        }

        throw new AssertionException($"Postfix did not deliver queue id {queueId} to {directory} within {Wait}.");
    }

    protected static string Lf(string crlf) => crlf.Replace("\r\n", "\n", StringComparison.Ordinal);
}
