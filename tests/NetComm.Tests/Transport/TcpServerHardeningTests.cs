using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NetComm.Diagnostics;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Transport;

/// <summary>Hostile clients at small scale (issue 9): slot exhaustion, thread exhaustion, refusals, honest counters.</summary>
[TestFixture]
public class TcpServerHardeningTests
{
    private static readonly TcpConnectionHandler Echo = TcpServerTests.Echo;

    [Test]
    public void Dripping_clients_cannot_keep_a_well_behaved_client_out()
    {
        // Twice as many droppers as slots, each byte well inside any per-read or idle timeout.
        using var server = LoopbackServer.Start(Echo, o =>
        {
            o.MaxConnections = 5;
            o.LineTimeout = TimeSpan.FromSeconds(1);
            o.IdleTimeout = TimeSpan.FromSeconds(30);
            o.ReceiveTimeout = TimeSpan.FromSeconds(30);
        });
        using var attack = new Dripper(server.LocalEndPoint, clients: 10, interval: TimeSpan.FromMilliseconds(100));
        LoopbackServer.WaitUntil(() => server.Counters.Active == 5 && server.Counters.Refused > 0, "the droppers to fill every slot");

        Assert.That(ServedBeforeTheWaitRunsOut(server), Is.True, "a well-behaved client got a slot while the attack went on");
        Assert.That(server.Counters.TimedOut, Is.GreaterThan(0), "droppers were closed by the line deadline");
        Assert.That(server.Counters.FailedHandlers, Is.Zero);
    }

    [Test]
    public void A_line_that_trickles_in_is_cut_at_the_line_timeout_and_logged_as_information()
    {
        var logger = new ListLogger();
        Exception? seen = null;
        using var server = LoopbackServer.Start(
            (c, s) =>
            {
                try
                {
                    c.ReadLine();
                }
                catch (Exception e)
                {
                    seen = e;
                    throw;
                }
            },
            o =>
            {
                o.LineTimeout = TimeSpan.FromMilliseconds(500);
                o.Logger = logger;
            });
        using (new Dripper(server.LocalEndPoint, clients: 1, interval: TimeSpan.FromMilliseconds(50)))
        {
            LoopbackServer.WaitUntil(() => server.Counters.TimedOut >= 1, "the slow line to time out");
        }

        Assert.That(seen, Is.TypeOf<TimeoutException>().With.Message.Contains("line"));
        Assert.That(server.Counters.FailedHandlers, Is.Zero);
        var timedOut = logger.Events.Where(e => e.Id.Id == NetCommEventIds.ConnectionTimedOut).Select(e => e.Level).ToList();
        Assert.That(timedOut, Is.Not.Empty);
        Assert.That(timedOut, Has.All.EqualTo(LogLevel.Information));
        Assert.That(logger.Events.Select(e => e.Level), Has.None.EqualTo(LogLevel.Error));
    }

    [Test]
    public void A_client_that_sends_nothing_is_not_cut_by_the_line_timeout()
    {
        using var server = LoopbackServer.Start(Echo, o => o.LineTimeout = TimeSpan.FromMilliseconds(100));
        using var client = LoopbackServer.Connect(server);
        Assert.That(client.ReadLine(), Is.EqualTo("Welcome."));
        // The stimulus is time itself: the client stays silent for three line timeouts before its first byte.
        Thread.Sleep(Timeouts.Short);
        client.WriteLine("alice");
        Assert.That(client.ReadLine(), Is.EqualTo("hello, alice."), "the line clock starts at a line's first byte, not before");
    }

    [Test]
    public void A_handler_with_its_own_framing_bounds_a_request_with_SetReadDeadline([Values] bool async)
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = LoopbackServer.Start(
            (c, s) =>
            {
                c.SetReadDeadline(TimeSpan.FromMilliseconds(400));
                var buffer = new byte[1];
                try
                {
                    while ((async ? c.ReadAsync(buffer).AsTask().GetAwaiter().GetResult() : c.Read(buffer)) > 0)
                    {
                    }

                    outcome.TrySetResult(null);
                }
                catch (Exception e)
                {
                    outcome.TrySetResult(e);
                }
            },
            o => o.LineTimeout = Timeout.InfiniteTimeSpan);
        using (new Dripper(server.LocalEndPoint, clients: 1, interval: TimeSpan.FromMilliseconds(50)))
        {
            Assert.That(outcome.Task.Wait(Timeouts.Wait), Is.True);
        }

        Assert.That(outcome.Task.Result, Is.TypeOf<TimeoutException>().With.Message.Contains("deadline"));
    }

    [Test]
    public void A_fixed_size_read_slower_than_the_minimum_rate_times_out([Values] bool async)
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = LoopbackServer.Start(
            (c, s) =>
            {
                var body = new byte[10_000];
                try
                {
                    if (async)
                    {
                        c.ReadExactlyAsync(body).AsTask().GetAwaiter().GetResult();
                    }
                    else
                    {
                        c.ReadExactly(body);
                    }

                    outcome.TrySetResult(null);
                }
                catch (Exception e)
                {
                    outcome.TrySetResult(e);
                }
            },
            o => o.MinReceiveRate = new MinDataRate(1000, TimeSpan.FromMilliseconds(200)));

        // 20 bytes a second against a minimum of 1000.
        using (new Dripper(server.LocalEndPoint, clients: 1, interval: TimeSpan.FromMilliseconds(50)))
        {
            Assert.That(outcome.Task.Wait(Timeouts.Wait), Is.True);
        }

        Assert.That(outcome.Task.Result, Is.TypeOf<TimeoutException>().With.Message.Contains("rate"));
    }

    [Test]
    public void A_client_that_keeps_up_with_the_minimum_rate_is_served()
    {
        using var server = LoopbackServer.Start(
            (c, s) =>
            {
                var body = new byte[64 * 1024];
                c.ReadExactly(body);
                c.WriteLine($"got {body.Length}");
            },
            o => o.MinReceiveRate = new MinDataRate(1000, TimeSpan.FromSeconds(1)));
        using var client = LoopbackServer.Connect(server);
        client.Write(new byte[64 * 1024]);
        Assert.That(client.ReadLine(), Is.EqualTo("got 65536"));
    }

    [Test]
    public void The_accept_loop_survives_a_thread_that_cannot_start_and_recovers()
    {
        var logger = new ListLogger();
        using var server = new TcpServer(Echo, new TcpServerOptions { Logger = logger });
        var failing = 1;
        server.ThreadStarting = () =>
        {
            if (Volatile.Read(ref failing) == 1)
            {
                // What Thread.Start throws under a thread limit.
#pragma warning disable CA2201
                throw new OutOfMemoryException("Thread limit reached (simulated).");
#pragma warning restore CA2201
            }
        };
        server.Start();

        for (var i = 0; i < 3; i++)
        {
            try
            {
                using var refused = LoopbackServer.Connect(server);
                Assert.That(refused.ReadLine(), Is.Null);
            }
            catch (TransportException)
            {
                // Reset at once: also a refusal.
            }
        }

        LoopbackServer.WaitUntil(() => server.Counters.Refused >= 3, "the refusals to be counted");
        Assert.That(server.IsRunning, Is.True);
        Assert.That(server.Counters.Active, Is.Zero, "a connection without a thread is taken back out");
        Assert.That(server.Counters.Threads, Is.Zero);

        Volatile.Write(ref failing, 0);
        Assert.That(ServedBeforeTheWaitRunsOut(server), Is.True);
        LoopbackServer.WaitUntil(() => logger.Events.Any(e => e.Id.Id == NetCommEventIds.DispatchRecovered), "the recovery to be logged");
        var entries = logger.Events;
        Assert.That(entries.Count(e => e.Id.Id == NetCommEventIds.DispatchFailed), Is.EqualTo(1), "one error per burst");
        Assert.That(entries.Count(e => e.Id.Id == NetCommEventIds.DispatchRecovered), Is.EqualTo(1));
    }

    [Test]
    public void A_full_server_answers_with_the_refusal_line_before_closing()
    {
        using var release = new ManualResetEventSlim();
        using var server = LoopbackServer.Start((c, s) => { c.WriteLine("in"); release.Wait(Timeouts.Wait); }, o =>
        {
            o.MaxConnections = 1;
            o.RefusalLine = "421 busy";
        });
        using var first = LoopbackServer.Connect(server);
        Assert.That(first.ReadLine(), Is.EqualTo("in"));
        using var second = LoopbackServer.Connect(server);
        Assert.That(second.ReadLine(), Is.EqualTo("421 busy"));
        Assert.That(second.ReadLine(), Is.Null);
        Assert.That(server.Counters.Refused, Is.EqualTo(1));
        release.Set();
    }

    [Test]
    public void Connecting_to_a_full_server_throws_only_documented_exceptions([Values] bool async)
    {
        using var release = new ManualResetEventSlim();
        using var server = LoopbackServer.Start((c, s) => release.Wait(Timeouts.Wait), o => o.MaxConnections = 1);
        using var holder = LoopbackServer.Connect(server);
        LoopbackServer.WaitUntil(() => server.Counters.Active == 1, "the slot to be taken");

        for (var i = 0; i < 100; i++)
        {
            try
            {
                var options = new TcpClientOptions { ReadTimeout = Timeouts.Wait };
                using var client = async
                    ? TcpConnection.ConnectAsync("127.0.0.1", server.LocalEndPoint.Port, options).AsTask().GetAwaiter().GetResult()
                    : TcpConnection.Connect("127.0.0.1", server.LocalEndPoint.Port, options);
                Assert.That(client.ReadLine(), Is.Null);
            }
            catch (TransportException e)
            {
                Assert.That(e.SocketError, Is.EqualTo(SocketError.ConnectionReset), e.ToString());
            }
        }

        release.Set();
    }

    [Test]
    public void Idle_reaps_resets_and_stops_are_not_handler_failures()
    {
        var logger = new ListLogger();
        using var server = LoopbackServer.Start(Echo, o =>
        {
            o.IdleTimeout = TimeSpan.FromMilliseconds(500);
            o.Logger = logger;
        });

        using (var idle = LoopbackServer.Connect(server))
        {
            Assert.That(idle.ReadLine(), Is.EqualTo("Welcome."));
            LoopbackServer.WaitUntil(() => server.Counters.TimedOut == 1, "the idle reap");
        }

        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            socket.Connect(server.LocalEndPoint);
            LoopbackServer.WaitUntil(() => server.Counters.Accepted == 2, "the second client to be served");
            socket.Send("half a line"u8);
            socket.LingerState = new LingerOption(true, 0);
        }

        LoopbackServer.WaitUntil(() => server.Counters.ClientFailures == 1 && server.Counters.Active == 0, "the reset to be counted");
        Assert.That(server.Stop(Timeouts.Wait), Is.True);
        Assert.That(server.Counters.FailedHandlers, Is.Zero);
        Assert.That(logger.Events.Select(e => e.Level), Has.None.EqualTo(LogLevel.Error));
    }

    [Test]
    public void A_handler_that_throws_is_the_one_error()
    {
        var logger = new ListLogger();
        using var server = LoopbackServer.Start((c, s) => throw new InvalidOperationException("bug"), o => o.Logger = logger);
        using var client = LoopbackServer.Connect(server);
        LoopbackServer.WaitUntil(() => server.Counters.FailedHandlers == 1, "the failure to be counted");
        Assert.That(server.Counters.ClientFailures + server.Counters.TimedOut, Is.Zero);
        Assert.That(logger.Events.Where(e => e.Level == LogLevel.Error).Select(e => e.Id.Id), Is.EqualTo(new[] { NetCommEventIds.HandlerFailed }));
    }

    [Test]
    public void The_default_connection_cap_comes_from_the_process_limits_and_is_logged()
    {
        var logger = new ListLogger();
        Assert.That(TcpServerOptions.DefaultMaxConnections, Is.InRange(16, 10_000));
        Assert.That(new TcpServerOptions().MaxConnections, Is.EqualTo(TcpServerOptions.DefaultMaxConnections));
        using var server = LoopbackServer.Start(Echo, o => o.Logger = logger);
        var started = logger.Events.Single(e => e.Id.Id == NetCommEventIds.ServerStarted).Message;
        Assert.That(started, Does.Contain($"at most {TcpServerOptions.DefaultMaxConnections} connections").And.Contain("limits"));
    }

    [Test]
    public void Stop_returns_within_its_timeout_when_a_handler_ignores_it()
    {
        using var release = new ManualResetEventSlim();
        using var server = LoopbackServer.Start((c, s) => release.Wait(Timeouts.Wait));
        using var client = LoopbackServer.Connect(server);
        LoopbackServer.WaitUntil(() => server.Counters.Active == 1, "the handler to start");

        var clock = Stopwatch.StartNew();
        Assert.That(server.Stop(TimeSpan.FromSeconds(1)), Is.False);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1.9)), "one deadline for both waits");
        release.Set();
    }

    /// <summary>A well-behaved client: retries until it is greeted and has a line echoed, or the wait runs out.</summary>
    private static bool ServedBeforeTheWaitRunsOut(ITcpServer server)
        => Retry.Until(
            () =>
            {
                using var client = LoopbackServer.Connect(server);
                if (client.ReadLine() != "Welcome.")
                {
                    return false;
                }

                client.WriteLine("bob");
                return client.ReadLine() == "hello, bob.";
            },
            e => e is TransportException or TimeoutException);
}
