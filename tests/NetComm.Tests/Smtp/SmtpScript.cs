using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Tests.Support;

namespace NetComm.Tests.Smtp;

/// <summary>Helpers for driving <see cref="SmtpClient"/> over a <see cref="ScriptedServerStream"/> in either I/O mode.</summary>
internal static class SmtpScript
{
    public const string Ehlo = "250-mail.example.test\n250-PIPELINING\n250-SIZE 1000000\n250-8BITMIME\n250-ENHANCEDSTATUSCODES\n250-DSN\n250 AUTH PLAIN LOGIN CRAM-MD5";

    public static SmtpClientOptions PlainOptions(StringWriter? transcript = null) => new()
    {
        Host = "mail.example.test",
        Port = 25,
        TlsMode = TlsMode.None,
        AllowPlaintextAuthentication = true,
        LocalDomain = "client.example.test",
        Transcript = transcript,
    };

    public static ScriptedServerStream Greeted(ChunkMode mode, string ehlo = Ehlo)
        => new ScriptedServerStream(mode).Server("220 mail.example.test ESMTP ready").Client("EHLO client.example.test").Server(ehlo);

    public static MimeMessage Message(string body = "Hello,\nthis is a test.\n")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@example.test"));
        message.To.Add(new MailboxAddress("Alice", "alice@example.test"));
        message.Subject = "Test";
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    public static async Task ConnectAsync(SmtpClient client, bool async)
    {
        if (async)
        {
            await client.ConnectAsync();
        }
        else
        {
            client.Connect();
        }
    }

    public static async Task<SmtpSendResult> SendAsync(SmtpClient client, MimeMessage message, bool async)
        => async ? await client.SendAsync(message) : client.Send(message);
}
