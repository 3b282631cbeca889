using System.Net;
using System.Net.Sockets;
using NetComm.Transport;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// <c>compare udp</c>: our <see cref="UdpEndpoint.StartReceiveLoop"/> echo against a raw async
/// <see cref="Socket.ReceiveFromAsync(Memory{byte}, SocketFlags, SocketAddress, CancellationToken)"/> loop.
/// Load: 16 async client sockets, each with one datagram in flight.
/// </summary>
internal sealed class UdpComparison : IComparisonSuite
{
    private const int Clients = 16;
    private const int DatagramSize = 64;

    public string Name => "udp";

    public void Run(CompareSettings settings)
    {
        if (!settings.Includes("udp.echo"))
        {
            return;
        }

        IUdpEchoServer? ours = null, theirs = null;
        try
        {
            ours = new NetCommUdpEcho();
            theirs = new BaselineUdpEcho();
            Measure.Alternate("udp.echo", "dgram/s", settings,
                (side, _) => EchoRate(side == Side.NetComm ? ours : theirs, settings));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Measure.PrintFailure("udp.echo", "dgram/s", e);
        }
        finally
        {
            ours?.Dispose();
            theirs?.Dispose();
        }
    }

    private static double EchoRate(IUdpEchoServer server, CompareSettings settings)
    {
        var sockets = new Socket[Clients];
        var counts = new long[Clients * 16]; // one cache line apart
        using var stop = new CancellationTokenSource();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                sockets[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
                sockets[i].Connect(server.EndPoint);
            }

            var tasks = Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
            {
                var socket = sockets[i];
                var message = new byte[DatagramSize];
                var reply = new byte[DatagramSize * 2];
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        await socket.SendAsync(message.AsMemory(), SocketFlags.None, stop.Token);

                        // A lost datagram stalls this client until the round ends: it only undercounts.
                        await socket.ReceiveAsync(reply.AsMemory(), SocketFlags.None, stop.Token);
                        Volatile.Write(ref counts[i * 16], counts[i * 16] + 1);
                    }
                }
                catch (OperationCanceledException)
                {
                    // End of the round.
                }
                catch (SocketException)
                {
                    // ICMP unreachable between rounds; the round's count stands.
                }
            })).ToArray();

            var rate = Measure.Rate(() => Enumerable.Range(0, Clients).Sum(i => Volatile.Read(ref counts[i * 16])), settings.Warmup, settings.Window);
            stop.Cancel();
            if (!Task.WaitAll(tasks, TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException("UDP clients did not stop within 10 s.");
            }

            return rate;
        }
        finally
        {
            TcpLoad.CloseAll(sockets);
        }
    }
}

internal interface IUdpEchoServer : IDisposable
{
    IPEndPoint EndPoint { get; }
}

/// <summary>The handler a user would write for <see cref="UdpEndpoint.StartReceiveLoop"/>.</summary>
internal sealed class NetCommUdpEcho : IUdpEchoServer
{
    private readonly UdpEndpoint _endpoint = new();
    private readonly UdpReceiveLoop _loop;

    public NetCommUdpEcho()
        => _loop = _endpoint.StartReceiveLoop((endpoint, datagram, remote, truncated) => endpoint.SendTo(datagram, remote));

    public IPEndPoint EndPoint => _endpoint.LocalEndPoint;

    public void Dispose()
    {
        _loop.Stop(TimeSpan.FromSeconds(5));
        _endpoint.Dispose();
    }
}

/// <summary>The baseline: one async receive/send loop with a reused <see cref="SocketAddress"/>, same buffer size.</summary>
internal sealed class BaselineUdpEcho : IUdpEchoServer
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public BaselineUdpEcho()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(Loop);
    }

    public IPEndPoint EndPoint { get; }

    public void Dispose()
    {
        _stopping.Cancel();
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
    }

    private async Task Loop()
    {
        var buffer = new byte[UdpEndpoint.MaxDatagramSize];
        var address = new SocketAddress(AddressFamily.InterNetwork);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var n = await _socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, address, _stopping.Token);
                await _socket.SendToAsync(buffer.AsMemory(0, n), SocketFlags.None, address, _stopping.Token);
            }
            catch (SocketException)
            {
                // ICMP port unreachable from a client that left: carry on.
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
        }
    }
}
