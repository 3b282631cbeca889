using MimeKit;
using NetComm.InteropTests.Support;
using NetComm.Mail;
using NetComm.Smtp;

namespace NetComm.InteropTests.Smtp;

/// <summary>SmtpSender against a real Postfix: STARTTLS and AUTH on submission, many callers, every message stored once.</summary>
[TestFixture]
public class PostfixSenderInteropTests : SmtpInteropBase
{
    [Test]
    public async Task Sixteen_async_callers_each_message_is_stored_exactly_once()
    {
        var mailbox = $"pool-{Guid.NewGuid():N}"[..17];
        var options = SenderOptions();
        options.MaxMessagesPerSession = 7;   // rotate sessions many times during the run
        var sent = new List<SmtpSendResult>();
        await using (var sender = new SmtpSender(options))
        {
            var callers = Enumerable.Range(0, 16).Select(t => Task.Run(async () =>
            {
                for (var i = 0; i < 10; i++)
                {
                    var result = await sender.SendAsync(Message(mailbox, (t * 10) + i));
                    lock (sent)
                    {
                        sent.Add(result);
                    }
                }
            }));
            await Task.WhenAll(callers).WaitAsync(Wait * 4);
        }

        Assert.That(sent, Has.Count.EqualTo(160));
        Assert.That(sent.All(r => r.UsedTls && r.QueueId is not null), Is.True);
        Assert.That(sent.Select(r => r.QueueId), Is.Unique);
        Assert.That(await StoredSubjectsAsync(mailbox, 160), Is.EquivalentTo(Enumerable.Range(0, 160).Select(i => $"pooled {i}")));
    }

    [Test]
    public async Task Eight_threads_with_the_blocking_api_each_message_is_stored_exactly_once()
    {
        var mailbox = $"pool-{Guid.NewGuid():N}"[..17];
        var failures = new List<Exception>();
        using (var sender = new SmtpSender(SenderOptions()))
        {
            var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
            {
                try
                {
                    for (var i = 0; i < 5; i++)
                    {
                        sender.Send(Message(mailbox, (t * 5) + i));
                    }
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e);
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => Assert.That(t.Join(Wait * 2), Is.True));
        }

        Assert.That(failures, Is.Empty);
        Assert.That(await StoredSubjectsAsync(mailbox, 40), Is.EquivalentTo(Enumerable.Range(0, 40).Select(i => $"pooled {i}")));
    }

    private static SmtpSenderOptions SenderOptions() => new()
    {
        Client = Options("SMTP_SUBMISSION", TlsMode.StartTlsRequired),
        Credentials = Alice,
        MaxSessions = 4,
        RetryDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromSeconds(2),
    };

    private static MimeMessage Message(string mailbox, int number)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Pool", $"sender@{Domain}"));
        message.To.Add(new MailboxAddress("Pool", $"{mailbox}@{Domain}"));
        message.Subject = $"pooled {number}";
        message.Body = new TextPart("plain") { Text = $"message {number} of a pooled run" };
        return message;
    }

    /// <summary>The subjects of the .eml files Postfix stored for <paramref name="mailbox"/>, once <paramref name="count"/> are there (or the wait ends).</summary>
    private static async Task<List<string>> StoredSubjectsAsync(string mailbox, int count)
    {
        var directory = Path.Combine(InteropEnvironment.Get("DELIVERED_DIR"), mailbox);
        var deadline = DateTime.UtcNow + Wait;
        string[] files = [];
        while (DateTime.UtcNow < deadline)
        {
            files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.eml") : [];
            if (files.Length >= count)
            {
                break;
            }

            await Task.Delay(100);
        }

        var subjects = new List<string>();
        foreach (var file in files)
        {
            subjects.Add((await MimeMessage.LoadAsync(file)).Subject ?? "");
        }

        return subjects;
    }
}
