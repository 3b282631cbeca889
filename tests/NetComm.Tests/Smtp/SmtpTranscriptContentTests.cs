using MimeKit;
using NetComm.Smtp;
using NetComm.Testing;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;

namespace NetComm.Tests.Smtp;

/// <summary>Message content reaches the transcript writer only when asked for, and the logger never.</summary>
[TestFixture]
public class SmtpTranscriptContentTests
{
    [Test]
    public async Task Content_asked_for_goes_to_the_writer_and_the_logger_gets_its_size([Values] IoMode mode)
    {
        await using var server = TestMailServer.Launch(o => o.AddUser("alice", "secret", "alice@example.test"));
        var transcript = new StringWriter();
        var log = new ListLogger();
        using var client = new SmtpClient(new SmtpClientOptions
        {
            Host = "localhost",
            Port = server.SmtpPort,
            Tls = { TrustedRoots = { server.Certificate } },
            Transcript = transcript,
            TranscriptIncludesContent = true,
            Logger = log,
            LogTranscript = true,
        });
        client.Connect();
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.test"));
        message.To.Add(MailboxAddress.Parse("alice@example.test"));
        message.Subject = "transcript";
        message.Body = new TextPart("plain") { Text = "the words of the body" };

        await Io.Call(mode, () => client.Send(message), () => client.SendAsync(message));

        Assert.That(transcript.ToString(), Does.Contain("the words of the body"));
        var logged = string.Join("\n", log.Events.Select(e => e.Message));
        Assert.That(logged, Does.Contain("C: <message content: ").And.Not.Contain("the words of the body"));
        Assert.That(logged, Does.Contain("C: MAIL FROM:<sender@example.test>"), "the rest of the transcript is logged line for line");
    }
}
