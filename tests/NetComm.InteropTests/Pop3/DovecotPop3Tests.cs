using System.Security.Cryptography;
using MimeKit;
using NetComm.Mail;
using NetComm.Mime;
using NetComm.Pop3;

namespace NetComm.InteropTests.Pop3;

/// <summary>Every POP3 command against a real Dovecot, with and without TLS, pipelined and not, sync and async.</summary>
[TestFixture]
[NonParallelizable]
public class DovecotPop3Tests
{
    private static async Task<Pop3Client> Open(TlsMode mode, bool pipelining, bool sync, string user = "alice", Action<Pop3ClientOptions>? configure = null)
    {
        var client = new Pop3Client(DovecotEnvironment.Options(mode, o =>
        {
            o.UsePipelining = pipelining;
            configure?.Invoke(o);
        }));
        var credentials = DovecotEnvironment.Credentials(user);
        if (sync)
        {
            client.Connect();
            client.Authenticate(credentials);
        }
        else
        {
            await client.ConnectAsync();
            await client.AuthenticateAsync(credentials);
        }

        return client;
    }

    private static string Sha256Of(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    [Test]
    public async Task Every_command_matches_the_maildrop(
        [Values(TlsMode.StartTlsRequired, TlsMode.ImplicitTls, TlsMode.None)] TlsMode mode,
        [Values] bool pipelining,
        [Values] bool sync)
    {
        var manifest = DovecotEnvironment.Manifest("alice");
        await using var client = await Open(mode, pipelining, sync);

        Assert.That(client.IsTls, Is.EqualTo(mode != TlsMode.None));
        Assert.That(client.IsPipelining, Is.EqualTo(pipelining));
        var stat = sync ? client.Stat() : await client.StatAsync();
        var list = sync ? client.List() : await client.ListAsync();
        var uids = sync ? client.Uidl() : await client.UidlAsync();
        var infos = sync ? client.ListMessages() : await client.ListMessagesAsync();
        Assert.That(stat.Count, Is.EqualTo(manifest.Count));
        Assert.That(stat.TotalSize, Is.EqualTo(manifest.Sum(m => m.Octets)));
        Assert.That(list, Is.EqualTo(manifest.Select(m => new Pop3ListEntry(m.Number, m.Octets))));
        Assert.That(uids, Is.EqualTo(manifest.Select(m => new Pop3UidEntry(m.Number, m.Uid))));
        Assert.That(infos, Is.EqualTo(manifest.Select(m => new Pop3MessageInfo(m.Number, m.Octets, m.Uid))));
        Assert.That(sync ? client.GetSize(5) : await client.GetSizeAsync(5), Is.EqualTo(manifest[4].Octets));
        Assert.That(sync ? client.GetUid(5) : await client.GetUidAsync(5), Is.EqualTo(manifest[4].Uid));

        foreach (var entry in manifest)
        {
            using var raw = new MemoryStream();
            var copied = sync ? client.CopyMessageTo(entry.Number, raw) : await client.CopyMessageToAsync(entry.Number, raw);
            Assert.That(copied, Is.EqualTo(entry.Octets), $"message {entry.Number}");
            Assert.That(Sha256Of(raw.ToArray()), Is.EqualTo(entry.Sha256), $"message {entry.Number} byte for byte");
        }

        var all = manifest.Select(m => m.Number).ToArray();
        var messages = sync ? client.Retrieve(all) : await client.RetrieveAsync(all);
        Assert.That(messages.AllSucceeded, Is.True);
        Assert.That(messages.Values.Select(m => m.Subject), Is.EqualTo(manifest.Select(m => m.Subject)));
        var single = sync ? client.Retrieve(2) : await client.RetrieveAsync(2);
        Assert.That(single.Subject, Is.EqualTo(manifest[1].Subject));

        var headers = sync ? client.Top(7, 0) : await client.TopAsync(7, 0);
        var preview = sync ? client.Top(7, 2) : await client.TopAsync(7, 2);
        Assert.That(headers.Subject, Is.EqualTo("Dot-stuffing test"));
        Assert.That(headers.TextBody, Is.Empty);
        Assert.That(preview.TextBody, Is.EqualTo(".hidden\n..\n"));

        if (sync)
        {
            client.Noop();
        }
        else
        {
            await client.NoopAsync();
        }
    }

    [Test]
    public void An_untrusted_ca_and_a_wrong_name_are_named_in_the_error([Values(TlsMode.ImplicitTls, TlsMode.StartTlsRequired)] TlsMode mode)
    {
        using (var client = new Pop3Client(DovecotEnvironment.Options(mode, o => o.Tls = new NetComm.Transport.TlsClientOptions())))
        {
            var error = Assert.Throws<MailSecurityException>(() => client.Connect());
            Assert.That(error!.Message, Does.Contain("chain is not trusted").And.Contain("issuer \"CN=NetComm Interop Test CA, O=NetComm\"").And.Contain("TrustedRoots"));
            Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
            Assert.That(client.IsConnected, Is.False);
        }

        using (var client = new Pop3Client(DovecotEnvironment.Options(mode, o => o.Tls.TargetHost = "wrong.example.test")))
        {
            var error = Assert.Throws<MailSecurityException>(() => client.Connect());
            Assert.That(error!.Message, Does.Contain("not issued for \"wrong.example.test\"").And.Not.Contain("chain is not trusted"));
        }
    }

    [Test]
    public async Task Streamed_retrieval_hands_each_message_over_in_order([Values] bool pipelining)
    {
        var manifest = DovecotEnvironment.Manifest("alice");
        await using var client = await Open(TlsMode.StartTlsRequired, pipelining, sync: false);
        var hashes = new List<(int, string)>();

        await client.RetrieveEachAsync(manifest.Select(m => m.Number), async (n, stream, ct) =>
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ct);
            hashes.Add((n, Sha256Of(copy.ToArray())));
        });

        Assert.That(hashes, Is.EqualTo(manifest.Select(m => (m.Number, m.Sha256))));
    }

    [Test]
    public async Task A_refused_retr_in_a_batch_is_reported_and_the_session_goes_on([Values] bool pipelining)
    {
        await using var client = await Open(TlsMode.StartTlsRequired, pipelining, sync: false);

        var batch = await client.RetrieveAsync([1, 99, 2]);
        var stat = await client.StatAsync();

        Assert.That(batch.Failures.Single().MessageNumber, Is.EqualTo(99));
        Assert.That(batch.Items.Where(i => i.Succeeded).Select(i => i.Number), Is.EqualTo(new[] { 1, 2 }));
        var error = Assert.Throws<Pop3BatchException>(() => batch.EnsureAllSucceeded());
        Assert.That(error!.Succeeded, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(stat.Count, Is.EqualTo(DovecotEnvironment.Manifest("alice").Count));
    }

    [Test]
    public async Task The_non_ascii_and_multipart_messages_outline_correctly()
    {
        var manifest = DovecotEnvironment.Manifest("alice");
        await using var client = await Open(TlsMode.ImplicitTls, pipelining: true, sync: false);
        var messages = await client.GetMessagesAsync();
        var outlines = messages.Values.Select(MessageOutline.Create).ToArray();

        Assert.That(outlines.Select(o => o.Subject), Is.EqualTo(manifest.Select(m => m.Subject)));
        Assert.That(outlines[1].From, Is.EqualTo("Zoë Ünïcode <zoe@example.test>"));
        Assert.That(outlines[1].Body.Text, Does.Contain("Grüße aus München, 你好世界, Привет мир"));
        Assert.That(outlines[2].Body.Text, Does.StartWith("Grüße aus Köln! Ça va?"));
        Assert.That(outlines[2].Body.Charset, Is.EqualTo("ISO-8859-1"));
        Assert.That(outlines[3].Body.Text, Does.StartWith("这是一封用 GBK 编码的邮件。"));
        var nested = outlines[4].ToString();
        Assert.That(nested, Does.Contain("part 0\n--------------------\n  part 0\n  --------------------\n    Text: Plain part: café ✓...\n"));
        Assert.That(nested, Does.Contain("  Attachment: application/octet-stream (报告.bin, 2,048 bytes)"));
        Assert.That(outlines[5].Attachments.Single().FileName, Is.EqualTo("logo.png"));
        Assert.That(outlines[8].ToString(), Does.Contain("  Subject: Inner: résumé\n  Text: Inner body: résumé...."));
        TestContext.Out.WriteLine(nested);
    }

    [Test]
    public async Task A_20_MB_message_streams_with_progress_in_bounded_memory([Values] bool sync)
    {
        var entry = DovecotEnvironment.Manifest("big").Single();
        await using var client = await Open(TlsMode.StartTlsRequired, pipelining: true, sync, user: "big");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var sink = new HashingStream(hash);
        var reports = 0;
        long last = 0;
        var progress = new InlineProgress(p =>
        {
            reports++;
            last = p.BytesTransferred;
            Assert.That(p.TotalBytes, Is.EqualTo(entry.Octets));
        });
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var copied = sync ? client.CopyMessageTo(1, sink, progress) : await client.CopyMessageToAsync(1, sink, progress);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.That(copied, Is.EqualTo(entry.Octets));
        Assert.That(Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(), Is.EqualTo(entry.Sha256));
        Assert.That(reports, Is.GreaterThan(10));
        Assert.That(last, Is.EqualTo(entry.Octets));
        Assert.That(allocated, Is.LessThan(entry.Octets / 4), $"allocated {allocated:N0} bytes for {entry.Octets:N0}");
    }

    private sealed class InlineProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }

    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            return default;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
