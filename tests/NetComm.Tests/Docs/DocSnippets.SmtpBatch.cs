using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Testing;
using NetComm.Tests.Support;

namespace NetComm.Tests.Docs;

/// <summary>docs/smtp.md's batch example, compiled here and run against the test server.</summary>
[TestFixture]
[NonParallelizable]
public class SmtpBatchSnippets
{
    public static SmtpBatchResult SendBatch(SmtpClient client, MailCredentials credentials, IReadOnlyList<MimeMessage> messages)
    {
        // snippet: docs/smtp.md#batch
        client.Connect();
        client.Authenticate(credentials);
        var batch = client.SendBatch(messages);
        foreach (var item in batch.Items)
        {
            Console.WriteLine(item.Succeeded ? $"#{item.Index}: {item.Result!.QueueId}" : $"#{item.Index}: {item.Error!.Message}");
        }
        batch.EnsureAllSucceeded();   // SmtpBatchException when any message was not delivered
        client.Disconnect();
        return batch;
    }

    [Test]
    public void The_batch_example_prints_each_queue_id_and_throws_for_a_refused_message()
    {
        using var server = TestMailServer.Launch(o => o.AddUser("aurelius", "s3cret", "aurelius@example.com"));
        server.Faults.RejectRecipient("bob@example.com");
        var messages = new[] { "friend@example.com", "bob@example.com", "friend@example.com" }.Select(to =>
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("aurelius@example.com"));
            message.To.Add(MailboxAddress.Parse(to));
            message.Subject = "batch";
            message.Body = new TextPart("plain") { Text = "hello" };
            return message;
        }).ToArray();
        using var client = new SmtpClient(new SmtpClientOptions { Host = server.Host, Port = server.SmtpPort, Tls = { TrustedRoots = { server.Certificate } } });
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        SmtpBatchException? error;
        try
        {
            error = Assert.Throws<SmtpBatchException>(() => SendBatch(client, new MailCredentials("aurelius", "s3cret"), messages));
        }
        finally
        {
            Console.SetOut(console);
        }

        var queued = server.WaitForMessages(2, Timeouts.Wait).Select(m => m.QueueId).ToArray();
        Assert.That(output.ToString().ReplaceLineEndings("\n"), Does.StartWith($"#0: {queued[0]}\n#1: The SMTP server refused 1 of 1 recipient(s), first <bob@example.com>: 550").And.EndWith($"#2: {queued[1]}\n"));
        Assert.That(error!.Succeeded, Is.EqualTo(new[] { 0, 2 }));
        Assert.That(error.Failures.Single().Error, Is.TypeOf<SmtpCommandException>());
        Assert.That(client.IsConnected, Is.True, "EnsureAllSucceeded threw before Disconnect");
    }
}
