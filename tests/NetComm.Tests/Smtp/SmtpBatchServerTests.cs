using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Testing;
using NetComm.Transport;

using static NetComm.Tests.Smtp.BatchScript;

namespace NetComm.Tests.Smtp;

/// <summary>SendBatch against the in-process test server over real sockets and STARTTLS, in both I/O modes.</summary>
[TestFixture]
public class SmtpBatchServerTests
{
    private TestMailServer _server = null!;

    [SetUp]
    public void SetUp()
    {
        _server = TestMailServer.Launch(o =>
        {
            o.AddUser("alice", "secret", "alice@example.test");
            o.StrictMode = true;
        });
    }

    [TearDown]
    public void TearDown() => _server.Dispose();

    [Test]
    public async Task A_batch_over_starttls_and_auth_delivers_every_message_in_order([Values] bool async)
    {
        await using var client = await ConnectAsync(async);
        var messages = Enumerable.Range(0, 25).Select(i => Message($"#{i}", "alice@example.test")).ToArray();

        var result = await BatchAsync(client, messages, async);

        Assert.That(result.EnsureAllSucceeded().Values, Has.Count.EqualTo(25));
        Assert.That(result.Values.All(v => v.UsedPipelining && v.UsedTls && !v.UsedChunking), Is.True, "DATA, so that each dot carries the next envelope");
        Assert.That(_server.Messages.Select(m => m.Message.Subject), Is.EqualTo(messages.Select(m => m.Subject)));
        Assert.That(result.Values.Select(v => v.QueueId), Is.EqualTo(_server.Messages.Select(m => m.QueueId)));
        Assert.That(_server.ProtocolViolations, Is.Empty);
        await NoopAsync(client, async);
    }

    [Test]
    public async Task Refused_recipients_fail_their_message_and_the_others_are_delivered([Values] bool async)
    {
        _server.Faults.RejectRecipient("bob@example.test");
        await using var client = await ConnectAsync(async);
        var messages = new[] { Message("a", "alice@example.test"), Message("b", "bob@example.test"), Message("c", "alice@example.test") };

        var result = await BatchAsync(client, messages, async);

        Assert.That(result.Items.Select(i => i.Succeeded), Is.EqualTo(new[] { true, false, true }));
        Assert.That(((SmtpCommandException)result.Failures.Single().Error!).Mailbox, Is.EqualTo("bob@example.test"));
        Assert.That(_server.Messages.Select(m => m.Message.Subject), Is.EqualTo(new[] { "a", "c" }));
        Assert.That(_server.ProtocolViolations, Is.Empty);
        await NoopAsync(client, async);
    }

    [Test]
    public async Task A_reply_lost_after_a_dot_is_unknown_for_that_message_and_the_rest_are_not_sent([Values] bool async)
    {
        _server.Faults.DisconnectAfterFinalDot(keepMessage: true, times: 1);
        await using var client = await ConnectAsync(async);
        var messages = Enumerable.Range(0, 4).Select(i => Message($"#{i}", "alice@example.test")).ToArray();

        var result = await BatchAsync(client, messages, async);

        Assert.That(result.Items[0].DeliveryUnknown, Is.True);
        Assert.That(result.Items.Skip(1).Select(i => i.Error), Is.All.TypeOf<SmtpNotSentException>());
        await _server.WaitForMessagesAsync(1, Support.Timeouts.Wait);
        Assert.That(_server.Messages.Select(m => m.Message.Subject), Is.EqualTo(new[] { "#0" }), "the unknown one was in fact kept; nothing else arrived");
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.Throws<SmtpBatchException>(() => result.EnsureAllSucceeded());
    }

    [Test]
    public async Task A_cancellation_between_messages_stops_the_batch_and_nothing_half_sent_arrives([Values] bool async, [Values] bool pipelining)
    {
        _server.Options.Smtp.Pipelining = pipelining;
        await using var client = await ConnectAsync(async);
        using var cancel = new CancellationTokenSource();
        var messages = Enumerable.Range(0, 5).Select(i => Message($"#{i}", "alice@example.test")).ToArray();

        // Message #2 cancels the batch when the client reads its content to plan it, which happens between messages.
        messages[2].Body = new TextPart("plain") { Content = new MimeContent(new CancellingStream("cancel me\r\n"u8.ToArray(), cancel)) };

        var result = async ? await client.SendBatchAsync(messages, cancel.Token) : client.SendBatch(messages, cancel.Token);

        Assert.That(result.Items[0].Succeeded, Is.True);
        // #1 was not sent either: the next message is planned before this one's I/O, so that its envelope can ride along.
        Assert.That(result.Items.Skip(1).Select(i => i.Error), Is.All.TypeOf<SmtpNotSentException>().And.All.Property("InnerException").InstanceOf<OperationCanceledException>());
        Assert.That(_server.Messages.Select(m => m.Message.Subject), Is.EqualTo(new[] { "#0" }));
        if (pipelining)
        {
            // #1's envelope (with DATA) was already on its way with #0's dot: only closing avoids an empty message.
            Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        }
        else
        {
            await NoopAsync(client, async);
        }
    }

    [Test]
    public async Task A_cancellation_while_waiting_for_a_reply_ends_the_session_as_for_a_single_send([Values] bool async)
    {
        await using var client = await ConnectAsync(async);
        _server.Faults.SlowReplies(TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var messages = Enumerable.Range(0, 3).Select(i => Message($"#{i}", "alice@example.test")).ToArray();

        var result = async ? await client.SendBatchAsync(messages, cancel.Token) : client.SendBatch(messages, cancel.Token);

        // The first envelope's replies never came in time: that message was not sent, nor were the others.
        Assert.That(result.Items[0].Error, Is.InstanceOf<OperationCanceledException>());
        Assert.That(result.Items.Skip(1).Select(i => i.Error), Is.All.TypeOf<SmtpNotSentException>());
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.That(_server.Messages, Is.Empty);
    }

    [Test]
    public async Task The_same_large_message_twice_is_fitted_for_both_sends_and_put_back_after([Values] bool async)
    {
        await using var client = await ConnectAsync(async);

        // Over 1 MiB, so each send serialises it again, and with lines over 998 octets, so it has to be re-encoded.
        var message = Message("twice", "alice@example.test");
        var part = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat(new string('x', 1200) + "\n", 1000)) };
        message.Body = part;
        var encoding = part.ContentTransferEncoding;

        var result = await BatchAsync(client, [message, message], async);

        Assert.That(result.AllSucceeded, Is.True);
        var received = await _server.WaitForMessagesAsync(2, Support.Timeouts.Wait);
        foreach (var raw in received.Select(m => System.Text.Encoding.ASCII.GetString(m.ToArray())))
        {
            Assert.That(raw.Split("\r\n").Max(l => l.Length), Is.LessThanOrEqualTo(998));
        }

        Assert.That(part.ContentTransferEncoding, Is.EqualTo(encoding), "the caller's message is as it was");
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    private async Task<SmtpClient> ConnectAsync(bool async)
    {
        var client = new SmtpClient(new SmtpClientOptions
        {
            Host = _server.Host,
            Port = _server.SmtpPort,
            Tls = new TlsClientOptions { TrustedRoots = { _server.Certificate } },
        });
        if (async)
        {
            await client.ConnectAsync();
            await client.AuthenticateAsync(new MailCredentials("alice", "secret"));
        }
        else
        {
            client.Connect();
            client.Authenticate(new MailCredentials("alice", "secret"));
        }

        return client;
    }

    private static async Task NoopAsync(SmtpClient client, bool async)
    {
        if (async)
        {
            await client.NoopAsync();
        }
        else
        {
            client.Noop();
        }
    }

    private static MimeMessage Message(string subject, string to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("app@example.test"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = $"Message {subject}\n" };
        return message;
    }

    /// <summary>Content that cancels the caller's token the first time it is read.</summary>
    private sealed class CancellingStream(byte[] content, CancellationTokenSource cancel) : MemoryStream(content)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            cancel.Cancel();
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            cancel.Cancel();
            return base.Read(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            cancel.Cancel();
            return base.ReadAsync(buffer, offset, count, CancellationToken.None);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancel.Cancel();
            return base.ReadAsync(buffer, CancellationToken.None);
        }
    }
}
