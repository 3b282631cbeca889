using System.Text;
using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Testing;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Smtp;

/// <summary>
/// Progress on every send overload, from the first moment; and a cancellation while the message is still being
/// measured (before the envelope goes out) costs nothing: the session stays usable.
/// </summary>
[TestFixture]
public class SmtpSendProgressTests
{
    private static SmtpClientOptions Options(TestMailServer server, TextWriter? transcript = null) => new()
    {
        Host = "localhost",
        Port = server.SmtpPort,
        Tls = { TrustedRoots = { server.Certificate } },
        CommandTimeout = Timeouts.Wait,
        Transcript = transcript,
    };

    private static MimeMessage Message(Stream body)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.test"));
        message.To.Add(MailboxAddress.Parse("alice@example.test"));
        message.Subject = "progress";
        message.Body = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(body),
            ContentTransferEncoding = ContentEncoding.Base64,
        };
        return message;
    }

    [Test]
    public async Task The_simple_overload_reports_progress_from_the_first_moment([Values] IoMode mode)
    {
        await using var server = TestMailServer.Launch(o => o.AddUser("alice", "secret", "alice@example.test"));
        using var client = new SmtpClient(Options(server));
        client.Connect();
        var reports = new List<(TransferProgress Progress, int MessagesOnServer)>();
        var progress = new SyncProgress(p => reports.Add((p, server.Messages.Count)));

        var result = await Io.Call(mode, () => client.Send(Message(new MemoryStream(new byte[300_000])), progress), () => client.SendAsync(Message(new MemoryStream(new byte[300_000])), progress));

        Assert.That(reports[0].Progress, Is.EqualTo(new TransferProgress(0, null)), "a first report before the message is measured");
        Assert.That(reports.Select(r => r.Progress.TotalBytes).Skip(1), Is.All.Not.Null, "then every report knows the size");
        Assert.That(reports[^1].Progress.BytesTransferred, Is.EqualTo(result.BytesSent));
        Assert.That(reports.Count, Is.GreaterThan(2));
    }

    [Test]
    public async Task A_cancellation_while_the_message_is_measured_leaves_the_session_usable([Values] IoMode mode)
    {
        await using var server = TestMailServer.Launch(o => o.AddUser("alice", "secret", "alice@example.test"));
        var transcript = new StringWriter();
        using var client = new SmtpClient(Options(server, transcript));
        client.Connect();
        using var cancel = new CancellationTokenSource();

        // The body cancels the send when the client first reads it, which is while measuring the message.
        var body = new CancellingStream(new MemoryStream(new byte[2_000_000]), cancel);
        Assert.CatchAsync<OperationCanceledException>(() => Io.Call(mode, () => client.Send(Message(body), cancel.Token), () => client.SendAsync(Message(body), cancel.Token)));

        Assert.That(body.Reads, Is.GreaterThan(0), "the cancellation came during measuring");
        Assert.That(transcript.ToString(), Does.Not.Contain("MAIL FROM"), "no envelope command was written");
        Assert.That(client.IsConnected, Is.True);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Secured));

        var result = await Io.Call(mode, () => client.Send(Message(new MemoryStream(new byte[1000]))), () => client.SendAsync(Message(new MemoryStream(new byte[1000]))));
        Assert.That(result.FinalReply.IsSuccess, Is.True);
        Assert.That(server.Messages, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_raw_send_cancelled_while_measured_leaves_the_callers_stream_where_it_was([Values] IoMode mode)
    {
        await using var server = TestMailServer.Launch(o => o.AddUser("alice", "secret", "alice@example.test"));
        using var client = new SmtpClient(Options(server));
        client.Connect();
        var bytes = Encoding.ASCII.GetBytes("From: sender@example.test\r\nTo: alice@example.test\r\nSubject: raw\r\n\r\n" + string.Concat(Enumerable.Repeat("a line of the body\r\n", 20_000)));
        var source = new MemoryStream(bytes);
        using var cancel = new CancellationTokenSource();
        var raw = new CancellingStream(source, cancel);
        var envelope = new SmtpEnvelope("sender@example.test", "alice@example.test");

        Assert.CatchAsync<OperationCanceledException>(() => Io.Call(mode, () => client.SendRaw(raw, envelope, null, cancel.Token), () => client.SendRawAsync(raw, envelope, null, cancel.Token)));
        Assert.That(source.Position, Is.Zero, "the measurement put the stream back");

        await Io.Call(mode, () => client.SendRaw(raw, envelope), () => client.SendRawAsync(raw, envelope));
        Assert.That(server.Messages, Has.Count.EqualTo(1));
        Assert.That(server.Messages[0].RawData.Length, Is.EqualTo(bytes.Length), "the retry sent the whole message");
    }

    private sealed class SyncProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }

    private sealed class CancellingStream(Stream inner, CancellationTokenSource cancel) : Stream
    {
        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            cancel.Cancel();
            return inner.Read(buffer, offset, count);
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
