using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Moq;
using NetComm.Diagnostics;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Transport;

[TestFixture]
public class TcpServerTests
{
    internal static void Echo(ITcpConnection connection, CancellationToken stopping)
    {
        connection.WriteLine("Welcome.");
        while (connection.ReadLine() is { } line)
        {
            if (line == "exit")
            {
                return;
            }

            connection.WriteLine($"hello, {line}.");
        }
    }

    [Test]
    public void Serves_each_client_on_its_own_named_thread([Values("127.0.0.1", "::1")] string address)
    {
        var threadNames = new System.Collections.Concurrent.ConcurrentBag<string?>();
        using var server = LoopbackServer.Start(
            (c, s) =>
            {
                threadNames.Add(Thread.CurrentThread.Name);
                Assert.That(Thread.CurrentThread.IsBackground, Is.True);
                Echo(c, s);
            },
            address: IPAddress.Parse(address));
        Assert.That(server.LocalEndPoint.Port, Is.Not.Zero);

        using var client = LoopbackServer.Connect(server);
        Assert.That(client.ReadLine(), Is.EqualTo("Welcome."));
        foreach (var name in new[] { "Michael", "Tracy", "Sarah" })
        {
            client.WriteLine(name);
            Assert.That(client.ReadLine(), Is.EqualTo($"hello, {name}."));
        }

        client.WriteLine("exit");
        Assert.That(client.ReadLine(), Is.Null);
        LoopbackServer.WaitUntil(() => server.Counters.Active == 0, "the handler to finish");
        Assert.That(threadNames.Single(), Does.StartWith("NetComm"));
        Assert.That(server.Counters.Accepted, Is.EqualTo(1));
        Assert.That(server.Counters.BytesReceived, Is.EqualTo("Michael\r\nTracy\r\nSarah\r\nexit\r\n".Length));
    }

    [Test]
    public void Dual_mode_accepts_ipv4_clients_on_an_ipv6_listener()
    {
        using var server = LoopbackServer.Start(Echo, o => o.DualMode = true, IPAddress.IPv6Any);
        using var client = TcpConnection.Connect("127.0.0.1", server.LocalEndPoint.Port, new TcpClientOptions { ReadTimeout = Timeouts.Wait });
        Assert.That(client.ReadLine(), Is.EqualTo("Welcome."));
    }

    [Test]
    public async Task Two_hundred_concurrent_clients_are_all_served()
    {
        using var server = LoopbackServer.Start(Echo);
        var clients = Enumerable.Range(0, 200).Select(async i =>
        {
            await using var client = await TcpConnection.ConnectAsync("127.0.0.1", server.LocalEndPoint.Port, new TcpClientOptions { ReadTimeout = Timeouts.Wait });
            Assert.That(await client.ReadLineAsync(), Is.EqualTo("Welcome."));
            for (var j = 0; j < 5; j++)
            {
                await client.WriteLineAsync($"c{i}-{j}");
                Assert.That(await client.ReadLineAsync(), Is.EqualTo($"hello, c{i}-{j}."));
            }

            await client.WriteLineAsync("exit");
        });
        await Task.WhenAll(clients).WaitAsync(Timeouts.Wait);
        LoopbackServer.WaitUntil(() => server.Counters.Active == 0, "all handlers to finish");
        Assert.That(server.Counters.Accepted, Is.EqualTo(200));
        Assert.That(server.Counters.Refused, Is.Zero);
    }

    [Test]
    public void A_throwing_handler_is_logged_its_connection_closed_and_others_carry_on()
    {
        var logger = new Mock<ILogger>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        using var server = LoopbackServer.Start(
            (c, s) =>
            {
                if (c.ReadLine() == "boom")
                {
                    throw new InvalidOperationException("handler bug");
                }

                c.WriteLine("fine");
            },
            o => o.Logger = logger.Object);

        using (var bad = LoopbackServer.Connect(server))
        {
            bad.WriteLine("boom");
            Assert.That(bad.ReadLine(), Is.Null, "the failed handler's connection is closed");
        }

        using var good = LoopbackServer.Connect(server);
        good.WriteLine("hi");
        Assert.That(good.ReadLine(), Is.EqualTo("fine"));
        LoopbackServer.WaitUntil(() => server.Counters.FailedHandlers == 1, "the failure to be counted");
        logger.Verify(
            l => l.Log(
                LogLevel.Error,
                It.Is<EventId>(e => e.Id == NetCommEventIds.HandlerFailed),
                It.IsAny<It.IsAnyType>(),
                It.Is<Exception>(e => e.Message == "handler bug"),
                It.IsAny<Func<It.IsAnyType, Exception?, string>>()),
            Times.Once);
    }

    [Test]
    public void Stop_closes_live_connections_so_blocked_reads_return_and_threads_are_joined()
    {
        var handlerSawEnd = new CountdownEvent(3);
        var tokenCancelled = 0;
        var server = LoopbackServer.Start((c, stopping) =>
        {
            c.WriteLine("ready");
            try
            {
                _ = c.ReadLine();
            }
            catch (TransportException)
            {
                // Closing the socket under a blocked read may surface as an error instead of end of stream.
            }

            if (stopping.IsCancellationRequested)
            {
                Interlocked.Increment(ref tokenCancelled);
            }

            handlerSawEnd.Signal();
        });
        var clients = Enumerable.Range(0, 3).Select(_ => LoopbackServer.Connect(server)).ToList();
        clients.ForEach(c => Assert.That(c.ReadLine(), Is.EqualTo("ready")));

        var watch = Stopwatch.StartNew();
        Assert.That(server.Stop(Timeouts.Wait), Is.True);
        Assert.That(watch.Elapsed, Is.LessThan(Timeouts.Wait));
        Assert.That(handlerSawEnd.IsSet, Is.True);
        Assert.That(tokenCancelled, Is.EqualTo(3));
        Assert.That(server.IsRunning, Is.False);
        clients.ForEach(c => c.Dispose());
        server.Dispose();
        Assert.Throws<SocketException>(() =>
        {
            using var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
            s.Connect(server.LocalEndPoint);
        });
    }

    [Test]
    public void A_handler_that_never_returns_cannot_block_stop_beyond_its_timeout()
    {
        using var release = new ManualResetEventSlim();
        var server = LoopbackServer.Start((c, s) => release.Wait(Timeouts.Wait * 2));
        using var client = LoopbackServer.Connect(server);
        LoopbackServer.WaitUntil(() => server.Counters.Active == 1, "the handler to start");

        var watch = Stopwatch.StartNew();
        Assert.That(server.Stop(TimeSpan.FromMilliseconds(200)), Is.False);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        release.Set();
        server.Dispose();
    }

    [Test]
    public async Task StopAsync_reports_drained_handlers()
    {
        var server = LoopbackServer.Start(Echo);
        using var client = LoopbackServer.Connect(server);
        Assert.That(await client.ReadLineAsync(), Is.EqualTo("Welcome."));
        Assert.That(await server.StopAsync(Timeouts.Wait), Is.True);
        await server.DisposeAsync();
    }

    [Test]
    public void Connections_beyond_MaxConnections_are_closed_at_once_and_counted()
    {
        using var release = new ManualResetEventSlim();
        using var server = LoopbackServer.Start((c, s) => { c.WriteLine("in"); release.Wait(Timeouts.Wait); }, o => o.MaxConnections = 2);
        using var first = LoopbackServer.Connect(server);
        using var second = LoopbackServer.Connect(server);
        Assert.That(first.ReadLine(), Is.EqualTo("in"));
        Assert.That(second.ReadLine(), Is.EqualTo("in"));

        // The refusal is a reset: it reaches the client during Connect or at its first read, depending on timing.
        try
        {
            using var third = LoopbackServer.Connect(server);
            Assert.That(third.ReadLine(), Is.Null);
        }
        catch (TransportException e)
        {
            Assert.That(e.SocketError, Is.EqualTo(SocketError.ConnectionReset));
        }

        LoopbackServer.WaitUntil(() => server.Counters.Refused == 1, "the refusal to be counted");
        Assert.That(server.Counters.Active, Is.EqualTo(2));
        release.Set();
    }

    [Test]
    public void A_port_in_use_gives_an_exception_that_names_the_endpoint()
    {
        using var first = LoopbackServer.Start(Echo);
        using var second = new TcpServer(Echo, new TcpServerOptions { EndPoint = first.LocalEndPoint });
        var error = Assert.Throws<TransportException>(second.Start);
        Assert.That(error!.Message, Does.Contain(first.LocalEndPoint.ToString()).And.Contain("in use"));
        Assert.That(error.SocketError, Is.EqualTo(SocketError.AddressAlreadyInUse));
    }

    [Test]
    public void Idle_connections_are_closed_after_the_idle_timeout()
    {
        using var server = LoopbackServer.Start(Echo, o => o.IdleTimeout = TimeSpan.FromMilliseconds(200));
        using var client = LoopbackServer.Connect(server);
        Assert.That(client.ReadLine(), Is.EqualTo("Welcome."));
        Assert.That(client.ReadLine(), Is.Null, "the server closes the idle connection");
    }

    [Test]
    public void Ten_thousand_connections_opened_and_dropped_leak_no_sockets_or_threads()
    {
        using var server = LoopbackServer.Start((c, s) => c.Write("x"u8), o => o.ThreadKeepAlive = TimeSpan.FromMilliseconds(500));
        var threadsBefore = Process.GetCurrentProcess().Threads.Count;
        var buffer = new byte[1];
        for (var i = 0; i < 10_000; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(server.LocalEndPoint);
            if (i % 2 == 0)
            {
                Assert.That(socket.Receive(buffer), Is.EqualTo(1));
            }
        }

        LoopbackServer.WaitUntil(() => server.Counters.Accepted + server.Counters.Refused == 10_000, "every connection to be accepted");
        LoopbackServer.WaitUntil(() => server.Counters.Active == 0, "every handler to finish");
        Assert.That(server.Counters.Refused, Is.Zero);
        Assert.That(server.Counters.Threads, Is.LessThan(64), "threads are parked and reused, not one per connection ever made");
        LoopbackServer.WaitUntil(() => server.Counters.Threads == 0, "parked threads to retire after their keep-alive");
        LoopbackServer.WaitUntil(() => Process.GetCurrentProcess().Threads.Count <= threadsBefore + 2, "OS threads to exit");
        Assert.That(Directory.GetFiles("/proc/self/fd").Length, Is.LessThan(500), "no leaked socket descriptors");
    }
}
