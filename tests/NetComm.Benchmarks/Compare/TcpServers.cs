using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using NetComm.Transport;

namespace NetComm.Benchmarks.Compare;

/// <summary>What a benchmark server does with the bytes it reads.</summary>
internal enum ServerMode
{
    /// <summary>Writes back what it read, in one send.</summary>
    Echo,

    /// <summary>Reads and discards (one-way bulk transfer).</summary>
    Sink,
}

/// <summary>A TCP server under test: ours or the raw async baseline.</summary>
internal interface IBenchServer : IDisposable
{
    IPEndPoint EndPoint { get; }

    /// <summary>Connections whose handler has started (cumulative).</summary>
    long Entered { get; }

    /// <summary>Connections open now.</summary>
    int Active { get; }
}

internal static class BenchServers
{
    /// <summary>Read buffer per connection for echo: both servers allocate the same.</summary>
    public const int EchoBufferSize = 4 * 1024;

    /// <summary>Read buffer for the one-way bulk sink: both servers allocate the same.</summary>
    public const int SinkBufferSize = 64 * 1024;

    public static IBenchServer Start(Side side, ServerMode mode)
        => side == Side.NetComm ? new NetCommBenchServer(mode) : new BaselineBenchServer(mode);

    public static int BufferSize(ServerMode mode) => mode == ServerMode.Echo ? EchoBufferSize : SinkBufferSize;
}

/// <summary>Our <see cref="TcpServer"/> with the handler a user would write.</summary>
internal sealed class NetCommBenchServer : IBenchServer
{
    private readonly TcpServer _server;
    private long _entered;

    public NetCommBenchServer(ServerMode mode)
    {
        _server = new TcpServer(mode == ServerMode.Echo ? Echo : Sink, new TcpServerOptions { Name = "bench" });
        _server.Start();
    }

    public IPEndPoint EndPoint => _server.LocalEndPoint;

    public long Entered => Interlocked.Read(ref _entered);

    public int Active => _server.Counters.Active;

    public void Dispose() => _server.Dispose();

    private void Echo(ITcpConnection connection, CancellationToken stopping)
    {
        var buffer = new byte[BenchServers.EchoBufferSize];
        Interlocked.Increment(ref _entered);
        int n;
        while ((n = connection.Read(buffer)) > 0)
        {
            connection.Write(buffer.AsSpan(0, n));
        }
    }

    private void Sink(ITcpConnection connection, CancellationToken stopping)
    {
        var buffer = new byte[BenchServers.SinkBufferSize];
        Interlocked.Increment(ref _entered);
        while (connection.Read(buffer) > 0)
        {
        }
    }
}

/// <summary>
/// The baseline: raw asynchronous <see cref="Socket"/> calls. An accept loop, and one async
/// receive/send loop per connection; NoDelay on, backlog 512, the same buffer sizes as ours.
/// </summary>
internal sealed class BaselineBenchServer : IBenchServer
{
    private readonly Socket _listener;
    private readonly ServerMode _mode;
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private long _entered;

    public BaselineBenchServer(ServerMode mode)
    {
        _mode = mode;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = AcceptLoop();
    }

    public IPEndPoint EndPoint { get; }

    public long Entered => Interlocked.Read(ref _entered);

    public int Active => _connections.Count;

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Dispose();
        foreach (var socket in _connections.Keys)
        {
            socket.Dispose();
        }

        _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        Measure.WaitUntil(() => _connections.IsEmpty, TimeSpan.FromSeconds(5));
        _stopping.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                await Task.Delay(10);
                continue;
            }

            socket.NoDelay = true;
            _ = Serve(socket);
        }
    }

    private async Task Serve(Socket socket)
    {
        _connections.TryAdd(socket, 0);
        var buffer = new byte[BenchServers.BufferSize(_mode)];
        Interlocked.Increment(ref _entered);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                if (n == 0)
                {
                    break;
                }

                if (_mode == ServerMode.Echo)
                {
                    var sent = 0;
                    while (sent < n)
                    {
                        sent += await socket.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None);
                    }
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client reset or the server is stopping.
        }
        finally
        {
            socket.Dispose();
            _connections.TryRemove(socket, out _);
        }
    }
}
