using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Transport;

/// <summary>
/// The handshake timeout bounds the whole handshake, sync and async, server and client side: a peer that feeds
/// a TLS record one byte at a time (each byte well inside any per-read timeout) cannot keep it open.
/// </summary>
[TestFixture]
public class TlsHandshakeDeadlineTests
{
    // A handshake record header announcing 512 bytes, which then arrive one every 50 ms (25 s in all).
    private static readonly byte[] s_recordHeader = [0x16, 0x03, 0x01, 0x02, 0x00];

    [Test]
    public void A_server_handshake_fed_a_byte_at_a_time_times_out_as_a_whole([Values] bool async)
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tls = new TlsServerOptions(TestCertificates.Localhost) { HandshakeTimeout = TimeSpan.FromSeconds(1) };
        using var server = LoopbackServer.Start((c, s) =>
        {
            try
            {
                if (async)
                {
                    c.UpgradeToTlsAsServerAsync(tls).AsTask().GetAwaiter().GetResult();
                }
                else
                {
                    c.UpgradeToTlsAsServer(tls);
                }

                outcome.TrySetResult(null);
            }
            catch (Exception e)
            {
                outcome.TrySetResult(e);
            }
        });

        using (new Dripper(server.LocalEndPoint, clients: 1, interval: TimeSpan.FromMilliseconds(50), prefix: s_recordHeader))
        {
            Assert.That(outcome.Task.Wait(Timeouts.Wait), Is.True, "the handshake ended");
        }

        Assert.That(outcome.Task.Result, Is.TypeOf<TimeoutException>());
    }

    [Test]
    public void A_client_handshake_fed_a_byte_at_a_time_times_out_as_a_whole([Values] bool async)
    {
        using var stop = new ManualResetEventSlim();
        using var server = LoopbackServer.Start((c, s) =>
        {
            c.Write(s_recordHeader);
            while (!stop.Wait(50))
            {
                c.Write("x"u8);
            }
        });
        using var client = LoopbackServer.Connect(server);
        var options = new TlsClientOptions { HandshakeTimeout = TimeSpan.FromSeconds(1) };
        try
        {
            Assert.Throws<TimeoutException>(() =>
            {
                if (async)
                {
                    client.UpgradeToTlsAsync(options, "localhost").AsTask().GetAwaiter().GetResult();
                }
                else
                {
                    client.UpgradeToTls(options, "localhost");
                }
            });
        }
        finally
        {
            stop.Set();
        }
    }

    [Test]
    public void After_a_blocking_handshake_reads_keep_their_own_deadlines()
    {
        // The handshake's deadline must end with the handshake: it once went on shortening (or lengthening) later reads.
        using var release = new ManualResetEventSlim();
        var tls = new TlsServerOptions(TestCertificates.Localhost);
        using var server = LoopbackServer.Start((c, s) =>
        {
            c.UpgradeToTlsAsServer(tls);
            release.Wait(Timeouts.Wait);
        });
        using var client = LoopbackServer.Connect(server);
        client.UpgradeToTls(new TlsClientOptions { TrustedRoots = { TestCertificates.Localhost }, HandshakeTimeout = TimeSpan.FromMinutes(5) }, "localhost");
        client.SetReadDeadline(TimeSpan.FromMilliseconds(300));
        var error = Assert.Throws<TimeoutException>(() => client.ReadLine());
        Assert.That(error!.Message, Does.Contain("deadline"));
        release.Set();
    }
}
