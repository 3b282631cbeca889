using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Transport;

[TestFixture]
public class TcpConnectionTests
{
    private static TlsServerOptions ServerTls => new(TestCertificates.Localhost);

    private static TlsClientOptions TrustingClient => new() { TrustedRoots = { TestCertificates.Localhost } };

    [Test]
    public async Task Tls_upgrade_both_ways_with_a_certificate_made_in_the_test([Values] bool async)
    {
        using var server = LoopbackServer.Start((c, s) =>
        {
            c.WriteLine("220 ready for TLS");
            c.UpgradeToTlsAsServer(ServerTls);
            c.WriteLine($"secure {c.TlsProtocol}");
            c.WriteLine(c.ReadLine() ?? "eof");
        });

        using var client = LoopbackServer.Connect(server);
        Assert.That(client.ReadLine(), Is.EqualTo("220 ready for TLS"));
        if (async)
        {
            await client.UpgradeToTlsAsync(TrustingClient, "localhost");
        }
        else
        {
            client.UpgradeToTls(TrustingClient, "localhost");
        }

        Assert.That(client.IsTls, Is.True);
        Assert.That(client.TlsProtocol, Is.AnyOf(SslProtocols.Tls12, SslProtocols.Tls13));
        Assert.That(client.TlsCipherSuite, Is.Not.Null);
        Assert.That(client.RemoteCertificate!.Subject, Is.EqualTo("CN=localhost"));
        Assert.That(client.ReadLine(), Does.StartWith("secure Tls1"));
        client.WriteLine("over tls");
        Assert.That(client.ReadLine(), Is.EqualTo("over tls"));
    }

    [Test]
    public void An_untrusted_certificate_fails_the_upgrade_by_default()
    {
        using var server = LoopbackServer.Start((c, s) =>
        {
            try
            {
                c.UpgradeToTlsAsServer(ServerTls);
            }
            catch (TransportException)
            {
                // The client hangs up mid-handshake.
            }
        });
        using var client = LoopbackServer.Connect(server);
        var error = Assert.Throws<TlsUpgradeException>(() => client.UpgradeToTls(new TlsClientOptions(), "localhost"));
        Assert.That(error!.InnerException, Is.InstanceOf<AuthenticationException>());
    }

    [Test]
    public void A_name_mismatch_fails_even_with_a_trusted_certificate()
    {
        var other = TestCertificates.Create("mail.example.test");
        using var server = LoopbackServer.Start((c, s) =>
        {
            try
            {
                c.UpgradeToTlsAsServer(new TlsServerOptions(other));
            }
            catch (TransportException)
            {
                // The client hangs up mid-handshake.
            }
        });
        using var client = LoopbackServer.Connect(server);
        var options = new TlsClientOptions { TrustedRoots = { other } };
        Assert.Throws<TlsUpgradeException>(() => client.UpgradeToTls(options, "localhost"));
    }

    [Test]
    public void A_pinned_self_signed_certificate_is_trusted_without_a_callback()
    {
        var selfSigned = TestCertificates.Create("localhost");
        using var server = LoopbackServer.Start((c, s) =>
        {
            c.UpgradeToTlsAsServer(new TlsServerOptions(selfSigned));
            c.WriteLine("pinned");
        });
        using var client = LoopbackServer.Connect(server);
        var options = new TlsClientOptions { Pins = { Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(selfSigned.RawData)) } };

        client.UpgradeToTls(options, "localhost");

        Assert.That(client.ReadLine(), Is.EqualTo("pinned"));
    }

    [Test]
    public async Task Implicit_tls_connect()
    {
        using var server = LoopbackServer.Start((c, s) =>
        {
            c.UpgradeToTlsAsServer(ServerTls);
            c.WriteLine("hello over implicit TLS");
        });
        await using var client = await TcpConnection.ConnectAsync("localhost", server.LocalEndPoint.Port, new TcpClientOptions { ImplicitTls = TrustingClient, ReadTimeout = Timeouts.Wait });
        Assert.That(client.IsTls, Is.True);
        Assert.That(await client.ReadLineAsync(), Is.EqualTo("hello over implicit TLS"));
    }

    [Test]
    public async Task Reads_time_out_with_TimeoutException([Values] bool async)
    {
        using var release = new ManualResetEventSlim();
        using var server = LoopbackServer.Start((c, s) => release.Wait(Timeouts.Wait));
        using var client = LoopbackServer.Connect(server, new TcpClientOptions { ReadTimeout = Timeouts.Short });
        var watch = Stopwatch.StartNew();
        if (async)
        {
            Assert.ThrowsAsync<TimeoutException>(async () => await client.ReadLineAsync());
        }
        else
        {
            Assert.Throws<TimeoutException>(() => client.ReadLine());
        }

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        release.Set();
        await Task.CompletedTask;
    }

    [Test]
    public void The_callers_token_gives_OperationCanceledException_not_a_timeout()
    {
        using var release = new ManualResetEventSlim();
        using var server = LoopbackServer.Start((c, s) => release.Wait(Timeouts.Wait));
        using var client = LoopbackServer.Connect(server);
        using var cts = new CancellationTokenSource(Timeouts.Short);
        Assert.That(async () => await client.ReadLineAsync(cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
        release.Set();
    }

    [Test]
    public void A_peer_reset_mid_read_surfaces_on_the_callers_thread()
    {
        using var server = LoopbackServer.Start((c, s) =>
        {
            c.Write("partial line without end"u8);
            ((TcpConnection)c).Socket.LingerClose();
        });
        try
        {
            // The reset may come before Connect has looked at the socket: then Connect reports it.
            using var client = LoopbackServer.Connect(server);
            var line = client.ReadLine();
            Assert.That(line, Is.Null.Or.EqualTo("partial line without end"));
        }
        catch (TransportException e)
        {
            Assert.That(e.SocketError, Is.EqualTo(SocketError.ConnectionReset));
        }
    }

    [Test]
    public void Connecting_to_a_closed_port_names_the_endpoint()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        var error = Assert.Throws<TransportException>(() => TcpConnection.Connect("127.0.0.1", port));
        Assert.That(error!.Message, Does.Contain($"127.0.0.1:{port}"));
    }

    [Test]
    public async Task Localhost_tries_every_resolved_address()
    {
        // Listening on IPv4 only: whichever order localhost resolves in, the IPv4 address must be tried.
        using var server = LoopbackServer.Start((c, s) => c.WriteLine("found"));
        await using var client = await TcpConnection.ConnectAsync("localhost", server.LocalEndPoint.Port, new TcpClientOptions { ReadTimeout = Timeouts.Wait });
        Assert.That(await client.ReadLineAsync(), Is.EqualTo("found"));
    }

    [Test]
    public void Half_close_lets_the_peer_read_end_of_stream_and_still_reply()
    {
        using var server = LoopbackServer.Start((c, s) =>
        {
            var all = new List<string>();
            while (c.ReadLine() is { } line)
            {
                all.Add(line);
            }

            c.WriteLine($"got {all.Count}");
        });
        using var client = LoopbackServer.Connect(server);
        client.WriteLine("a");
        client.WriteLine("b");
        client.ShutdownSend();
        Assert.That(client.ReadLine(), Is.EqualTo("got 2"));
        Assert.That(client.BytesSent, Is.EqualTo(6));
    }

    [Test]
    public void Over_long_lines_from_a_socket_are_a_typed_error()
    {
        using var server = LoopbackServer.Start((c, s) =>
        {
            var chunk = new byte[64 * 1024];
            chunk.AsSpan().Fill((byte)'A');
            try
            {
                for (var i = 0; i < 16; i++)
                {
                    c.Write(chunk);
                }
            }
            catch (TransportException)
            {
                // The client gave up reading, as it should.
            }
        });
        using var client = LoopbackServer.Connect(server);
        Assert.Throws<LineTooLongException>(() => client.ReadLine(maxLength: 1000));
    }
}

internal static class SocketTestExtensions
{
    /// <summary>Closing with a zero linger sends a reset instead of a graceful FIN.</summary>
    public static void LingerClose(this Socket socket) => socket.LingerState = new LingerOption(true, 0);
}
