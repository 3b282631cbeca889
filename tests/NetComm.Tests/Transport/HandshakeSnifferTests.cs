using System.Text;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Transport;

/// <summary>
/// The layer under SslStream: it names a plaintext answer to the handshake and bounds blocking handshake reads, then
/// steps out of the way, so the TLS read path after the handshake is SslStream over the socket and one plain call.
/// </summary>
[TestFixture]
public class HandshakeSnifferTests
{
    [Test]
    public void During_the_handshake_it_keeps_the_first_bytes_and_runs_the_deadline_check_before_each_blocking_read()
    {
        var checks = 0;
        var sniffer = new HandshakeSniffer(new MemoryStream(Encoding.ASCII.GetBytes("+OK POP3 ready\r\n")), () => checks++);

        var buffer = new byte[4];
        while (sniffer.Read(buffer) > 0)
        {
        }

        Assert.That(checks, Is.EqualTo(5), "four reads of 4 bytes and the one that saw the end");
        Assert.That(sniffer.PlaintextSeen, Is.EqualTo("+OK POP3 ready"));
    }

    [Test]
    public void After_the_handshake_blocking_reads_go_straight_through()
    {
        var checks = 0;
        var sniffer = new HandshakeSniffer(new MemoryStream(Encoding.ASCII.GetBytes("after the handshake\r\n")), () => checks++);
        sniffer.StopRecording();

        var buffer = new byte[64];
        var n = sniffer.Read(buffer);

        Assert.That(Encoding.ASCII.GetString(buffer, 0, n), Is.EqualTo("after the handshake\r\n"));
        Assert.That(checks, Is.Zero, "the handshake deadline no longer applies");
        Assert.That(sniffer.PlaintextSeen, Is.Null, "nothing is kept");
    }

    [Test]
    public void After_the_handshake_an_asynchronous_read_is_the_inner_streams_own_read_with_no_await_of_its_own()
    {
        var inner = new PendingReadStream();
        var sniffer = new HandshakeSniffer(inner);
        var during = sniffer.ReadAsync(new byte[8]).AsTask();
        Assert.That(during, Is.Not.SameAs(inner.Pending.Task), "while recording, the sniffer awaits the read to keep its bytes");
        inner.Complete(3);
        Assert.That(during.Wait(Timeouts.Wait), Is.True);

        sniffer.StopRecording();
        var after = sniffer.ReadAsync(new byte[8]).AsTask();

        Assert.That(after, Is.SameAs(inner.Pending.Task), "the very task the inner stream returned");
        inner.Complete(5);
        Assert.That(after.Result, Is.EqualTo(5));
    }

    [Test]
    public void A_plaintext_answer_to_the_handshake_is_still_named([Values] bool async)
    {
        using var server = LoopbackServer.Start((c, _) =>
        {
            c.WriteLine("220 mail.example.test ESMTP ready");
            c.ReadLine();
        });
        using var client = LoopbackServer.Connect(server);
        var options = new TlsClientOptions { HandshakeTimeout = Timeouts.Wait };

        var error = async
            ? Assert.ThrowsAsync<TlsUpgradeException>(async () => await client.UpgradeToTlsAsync(options, "localhost"))
            : Assert.Throws<TlsUpgradeException>(() => client.UpgradeToTls(options, "localhost"));

        Assert.That(error!.PeerPlaintext, Is.EqualTo("220 mail.example.test ESMTP ready"));
        Assert.That(client.IsTls, Is.False);
    }

    /// <summary>An inner stream whose asynchronous read stays pending until the test completes it.</summary>
    private sealed class PendingReadStream : MemoryStream
    {
        public TaskCompletionSource<int> Pending { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            return new ValueTask<int>(Pending.Task);
        }

        public void Complete(int count) => Pending.SetResult(count);
    }
}
