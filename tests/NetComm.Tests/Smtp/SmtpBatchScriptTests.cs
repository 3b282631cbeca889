using System.Text;
using MimeKit;
using Moq;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Tests.Support;
using static NetComm.Tests.Smtp.BatchScript;
using static NetComm.Tests.Smtp.SmtpScript;

namespace NetComm.Tests.Smtp;

/// <summary>SendBatch over scripted transcripts: what goes in which write, and each outcome rule, in both I/O modes.</summary>
[TestFixture]
public class SmtpBatchScriptTests
{
    private const string PipeliningEhlo = "250-mail.example.test\n250-PIPELINING\n250 8BITMIME";

    [Test]
    public async Task Each_final_dot_and_the_next_envelope_leave_in_one_write([Values] ChunkMode mode, [Values] bool async)
    {
        var server = Greeted(mode, PipeliningEhlo)
            .Client("MAIL FROM:<sender@example.test>").Client("RCPT TO:<alice@example.test>").Client("DATA")
            .Server("250 ok").Server("250 ok").Server("354 go");
        for (var i = 0; i < 2; i++)
        {
            server.ClientData().Client("MAIL FROM:<sender@example.test>").Client("RCPT TO:<alice@example.test>").Client("DATA")
                .Server($"250 queued as Q{i}").Server("250 ok").Server("250 ok").Server("354 go");
        }

        server.ClientData().Server("250 queued as Q2");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);

        var result = await BatchAsync(client, [Message("one\n"), Message("two\n"), Message("three\n")], async);

        Assert.That(result.AllSucceeded, Is.True);
        Assert.That(result.Values.Select(v => v.QueueId), Is.EqualTo(new[] { "Q0", "Q1", "Q2" }));
        Assert.That(result.Values.All(v => v.UsedPipelining), Is.True);
        var writes = Writes(server).Skip(1).ToArray();
        Assert.That(writes, Has.Length.EqualTo(4), "one write for the first envelope, then one per message");
        Assert.That(writes[0], Does.StartWith("MAIL FROM:").And.EndWith("DATA\r\n"));
        for (var i = 1; i < 3; i++)
        {
            Assert.That(writes[i], Does.Contain("\r\n.\r\nMAIL FROM:<sender@example.test>").And.EndWith("RCPT TO:<alice@example.test>\r\nDATA\r\n"), $"write {i}: content, dot and the next envelope");
        }

        Assert.That(writes[3], Does.EndWith("three\r\n.\r\n"));
        Assert.That(server.Finished, Is.True);
        Assert.That(client.State, Is.Not.EqualTo(MailSessionState.Broken));
    }

    [Test]
    public async Task Without_pipelining_messages_go_one_by_one_in_lock_step([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250 8BITMIME");
        for (var i = 0; i < 2; i++)
        {
            server.Client("MAIL FROM:").Server("250 ok").Client("RCPT TO:").Server("250 ok").Client("DATA").Server("354 go")
                .ClientData().Server($"250 queued as Q{i}");
        }

        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);

        var result = await BatchAsync(client, [Message(), Message()], async);

        Assert.That(result.Values.Select(v => (v.QueueId, v.UsedPipelining)), Is.EqualTo(new[] { ("Q0", false), ("Q1", false) }));
        Assert.That(Writes(server).Count(w => w.Contains(".\r\nMAIL", StringComparison.Ordinal)), Is.Zero);
        Assert.That(server.Finished, Is.True);
    }

    [Test]
    public async Task Use_pipelining_false_sends_one_by_one_even_when_offered([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, PipeliningEhlo)
            .Client("MAIL FROM:").Server("250 ok").Client("RCPT TO:").Server("250 ok").Client("DATA").Server("354 go")
            .ClientData().Server("250 ok")
            .Client("MAIL FROM:").Server("250 ok").Client("RCPT TO:").Server("250 ok").Client("DATA").Server("354 go")
            .ClientData().Server("250 ok");
        var options = PlainOptions();
        options.UsePipelining = false;
        using var client = new SmtpClient(options, server);
        await ConnectAsync(client, async);

        var result = await BatchAsync(client, [Message(), Message()], async);

        Assert.That(result.AllSucceeded, Is.True);
        Assert.That(server.Finished, Is.True);
    }

    [Test]
    public async Task Refused_recipient_and_refused_message_fail_only_their_item_and_the_session_goes_on([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, PipeliningEhlo)
            .Client("MAIL FROM:").Client("RCPT TO:<alice@example.test>").Client("DATA")
            .Server("250 ok").Server("550 5.1.1 No such user").Server("554 5.5.1 No valid recipients")
            .Client("RSET").Server("250 ok")
            .Client("MAIL FROM:").Client("RCPT TO:<alice@example.test>").Client("DATA")
            .Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Envelope()
            .Server("554 5.7.1 Spam detected").Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Server("250 queued as Q2");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);

        var result = await BatchAsync(client, [Message(), Message(), Message()], async);

        Assert.That(result.Items.Select(i => i.Succeeded), Is.EqualTo(new[] { false, false, true }));
        var recipient = (SmtpCommandException)result.Items[0].Error!;
        Assert.That((recipient.ErrorCode, recipient.StatusCode, recipient.Mailbox), Is.EqualTo((SmtpErrorCode.RecipientRejected, (int?)550, "alice@example.test")));
        var message = (SmtpCommandException)result.Items[1].Error!;
        Assert.That((message.ErrorCode, message.StatusCode), Is.EqualTo((SmtpErrorCode.MessageRejected, (int?)554)));
        Assert.That(result.Values.Single().QueueId, Is.EqualTo("Q2"));
        var thrown = Assert.Throws<SmtpBatchException>(() => result.EnsureAllSucceeded())!;
        Assert.That(thrown.Succeeded, Is.EqualTo(new[] { 2 }));
        Assert.That(thrown.Failures.Select(f => f.Index), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(thrown.ServerReply, Is.EqualTo("550 5.1.1 No such user"));
        Assert.That(server.Finished, Is.True);
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task A_connection_lost_after_a_dot_makes_that_message_unknown_and_the_rest_not_sent([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, PipeliningEhlo)
            .Envelope()
            .Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Envelope()
            .Server("250 queued as Q0").Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Envelope()
            .Hangup();
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);

        var result = await BatchAsync(client, [Message(), Message(), Message(), Message()], async);

        Assert.That(result.Items[0].Result!.QueueId, Is.EqualTo("Q0"));
        Assert.That(result.Items[1].Error, Is.TypeOf<SmtpDeliveryUnknownException>());
        Assert.That(result.Items[1].DeliveryUnknown, Is.True);
        Assert.That(result.Items.Skip(2).Select(i => i.Error), Is.All.TypeOf<SmtpNotSentException>());
        Assert.That(result.Items[2].Error!.InnerException, Is.SameAs(result.Items[1].Error));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
    }

    [Test]
    public async Task A_connection_lost_before_the_dot_means_not_sent([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, PipeliningEhlo)
            .Envelope()
            .Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Envelope()
            .Server("250 queued as Q0").Server("250 ok")
            .Hangup();
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);

        var result = await BatchAsync(client, [Message(), Message(), Message()], async);

        Assert.That(result.Items[0].Succeeded, Is.True);
        Assert.That(result.Items[1].Error, Is.InstanceOf<MailProtocolException>().And.Not.TypeOf<SmtpDeliveryUnknownException>());
        Assert.That(result.Items[2].Error, Is.TypeOf<SmtpNotSentException>());
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
    }

    [Test]
    public async Task A_message_the_client_refuses_before_sending_fails_alone([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250-PIPELINING\n250-8BITMIME\n250 SIZE 2000")
            .Envelope()
            .Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Envelope()
            .Server("250 ok").Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Server("250 ok");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);

        var result = await BatchAsync(client, [Message(), Message(new string('x', 70) + "\n" + string.Concat(Enumerable.Repeat(new string('y', 70) + "\n", 40))), Message()], async);

        Assert.That(result.Items.Select(i => i.Succeeded), Is.EqualTo(new[] { true, false, true }));
        Assert.That(((SmtpCommandException)result.Items[1].Error!).ErrorCode, Is.EqualTo(SmtpErrorCode.MessageTooLarge));
        Assert.That(server.Finished, Is.True);
    }

    [Test]
    public async Task Caller_mistakes_anywhere_in_the_batch_are_found_before_anything_is_sent([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, PipeliningEhlo);
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var noRecipients = Message();
        noRecipients.To.Clear();

        var error = async
            ? Assert.ThrowsAsync<ArgumentException>(() => client.SendBatchAsync([SmtpBatchMessage.Of(Message()), new SmtpBatchMessage(noRecipients, new SmtpEnvelope("a@example.test"))]))
            : Assert.Throws<ArgumentException>(() => client.SendBatch([SmtpBatchMessage.Of(Message()), new SmtpBatchMessage(noRecipients, new SmtpEnvelope("a@example.test"))]));

        Assert.That(error!.Message, Does.Contain("#1"));
        Assert.That(server.ClientLines, Has.Count.EqualTo(1), "only the EHLO");
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task A_mocked_client_can_return_a_batch_with_every_kind_of_outcome()
    {
        var sent = new SmtpSendResult([new SmtpRecipientResult("alice@example.test", new SmtpReply(250, ["2.1.5 Ok"]))], new SmtpReply(250, ["2.0.0 Ok: queued as Q1"]), true, true, false, 100);
        var refused = new SmtpCommandException("refused", SmtpErrorCode.MessageRejected, new SmtpReply(554, ["5.7.1 Spam"]));
        var smtp = new Mock<ISmtpClient>();
        smtp.Setup(c => c.SendBatchAsync(It.IsAny<IEnumerable<MimeMessage>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new SmtpBatchResult([
                new SmtpBatchItem(0, sent, null),
                new SmtpBatchItem(1, null, refused),
                new SmtpBatchItem(2, null, new SmtpDeliveryUnknownException()),
                new SmtpBatchItem(3, null, new SmtpNotSentException()),
            ]));

        var result = await smtp.Object.SendBatchAsync([Message()]);

        Assert.That(result.Values.Single().QueueId, Is.EqualTo("Q1"));
        Assert.That(result.Failures.Select(f => (f.Index, f.DeliveryUnknown)), Is.EqualTo(new[] { (1, false), (2, true), (3, false) }));
        var error = Assert.Throws<SmtpBatchException>(() => result.EnsureAllSucceeded())!;
        Assert.That((error.InnerException, error.ServerReply), Is.EqualTo(((Exception)refused, "554 5.7.1 Spam")));
        Assert.That(error.Message, Does.StartWith("3 of 4 message(s) were not delivered (1, 2, 3)"));
    }

    /// <summary>The client's bytes, one string per write call.</summary>
    private static List<string> Writes(ScriptedServerStream server)
    {
        var bytes = server.ClientBytes.ToArray();
        var writes = new List<string>();
        var at = 0;
        foreach (var size in server.WriteSizes)
        {
            writes.Add(Encoding.UTF8.GetString(bytes, at, size));
            at += size;
        }

        return writes;
    }
}

/// <summary>Script steps for a batch.</summary>
internal static class BatchScript
{
    public static Task<SmtpBatchResult> BatchAsync(SmtpClient client, MimeMessage[] messages, bool async)
        => async ? client.SendBatchAsync(messages) : Task.FromResult(client.SendBatch(messages));

    /// <summary>A pipelined envelope for one recipient: MAIL FROM, RCPT TO and DATA.</summary>
    public static ScriptedServerStream Envelope(this ScriptedServerStream server) => server.Client("MAIL FROM:").Client("RCPT TO:").Client("DATA");
}
