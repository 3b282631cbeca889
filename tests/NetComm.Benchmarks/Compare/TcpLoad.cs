using System.Net;
using System.Net.Sockets;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// The load generator, identical for both servers: asynchronous <see cref="Socket"/> clients on the
/// thread pool, NoDelay on, one send per message. Every loop stops on a flag and is bounded by timeouts.
/// </summary>
internal static class TcpLoad
{
    public const int MessageSize = 64;

    private const int BulkChunkSize = 64 * 1024;

    /// <summary>Connects many sockets with at most <paramref name="parallel"/> connects in flight (stays under the backlog).</summary>
    public static Socket[] Connect(IPEndPoint server, int count, int parallel = 128)
    {
        var sockets = new Socket[count];
        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(parallel, count)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(server);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                sockets[i] = socket;
            }
        }).ToArray();
        if (!Task.WaitAll(workers, TimeSpan.FromSeconds(60)))
        {
            CloseAll(sockets);
            throw new TimeoutException($"Connecting {count} clients to {server} took over 60 s.");
        }

        return sockets;
    }

    public static void CloseAll(Socket?[] sockets)
    {
        foreach (var socket in sockets)
        {
            socket?.Dispose();
        }
    }

    /// <summary>
    /// Echo ping-pong: each of <paramref name="connections"/> clients sends 64 bytes, waits for them to
    /// come back, and repeats. Returns round trips per second over the window.
    /// </summary>
    public static double EchoRate(IBenchServer server, int connections, TimeSpan warmup, TimeSpan window)
    {
        var enteredBefore = server.Entered;
        var sockets = Connect(server.EndPoint, connections);
        var clients = new EchoClient[connections];
        try
        {
            // Every server-side handler must be running before the clock starts.
            if (!Measure.WaitUntil(() => server.Entered - enteredBefore >= connections, TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"Only {server.Entered - enteredBefore} of {connections} connections reached the handler.");
            }

            var control = new LoadControl();
            var tasks = new Task[connections];
            for (var i = 0; i < connections; i++)
            {
                clients[i] = new EchoClient(sockets[i]);
                var client = clients[i];
                tasks[i] = Task.Run(() => client.Run(control));
            }

            var rate = Measure.Rate(() => clients.Sum(c => Volatile.Read(ref c.RoundTrips)), warmup, window);
            control.Stop = true;
            Finish(tasks, sockets);
            return rate;
        }
        finally
        {
            CloseAll(sockets);
            Measure.WaitUntil(() => server.Active == 0, TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>One-way transfer on one connection; returns MB/s (10^6 bytes) over the window.</summary>
    public static double BulkRate(IBenchServer server, TimeSpan warmup, TimeSpan window)
    {
        var sockets = Connect(server.EndPoint, 1);
        try
        {
            var control = new LoadControl();
            long sent = 0;
            var task = Task.Run(async () =>
            {
                var chunk = new byte[BulkChunkSize];
                while (!control.Stop)
                {
                    var n = await sockets[0].SendAsync(chunk.AsMemory(), SocketFlags.None);
                    Interlocked.Add(ref sent, n);
                }
            });
            var rate = Measure.Rate(() => Interlocked.Read(ref sent), warmup, window);
            control.Stop = true;
            Finish([task], sockets);
            return rate / 1e6;
        }
        finally
        {
            CloseAll(sockets);
            Measure.WaitUntil(() => server.Active == 0, TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// Connect, one 64-byte echo, close, repeated by <paramref name="parallel"/> loops; returns connections per second.
    /// </summary>
    public static double ConnectRate(IBenchServer server, int parallel, TimeSpan warmup, TimeSpan window)
    {
        var control = new LoadControl();
        long done = 0;
        var tasks = Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
        {
            var message = new byte[MessageSize];
            var reply = new byte[MessageSize];
            while (!control.Stop)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(server.EndPoint);
                await socket.SendAsync(message.AsMemory(), SocketFlags.None);
                await ReceiveExactly(socket, reply);
                Interlocked.Increment(ref done);
            }
        })).ToArray();
        var rate = Measure.Rate(() => Interlocked.Read(ref done), warmup, window);
        control.Stop = true;
        Finish(tasks, []);
        Measure.WaitUntil(() => server.Active == 0, TimeSpan.FromSeconds(30));
        return rate;
    }

    /// <summary>Waits for the loops to see the stop flag; closes the sockets if one is stuck, and surfaces failures.</summary>
    private static void Finish(Task[] tasks, Socket[] sockets)
    {
        if (!Task.WaitAll(tasks, TimeSpan.FromSeconds(15)))
        {
            CloseAll(sockets);
            Task.WaitAll(tasks, TimeSpan.FromSeconds(5));
            throw new TimeoutException("Load loops did not stop within 15 s.");
        }
    }

    public static async ValueTask ReceiveExactly(Socket socket, Memory<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None);
            if (n == 0)
            {
                throw new EndOfStreamException("The server closed the connection mid-reply.");
            }

            buffer = buffer[n..];
        }
    }

    internal sealed class LoadControl
    {
        public volatile bool Stop;
    }

    private sealed class EchoClient(Socket socket)
    {
        public long RoundTrips;

        public async Task Run(LoadControl control)
        {
            var message = new byte[MessageSize];
            var reply = new byte[MessageSize];
            while (!control.Stop)
            {
                await socket.SendAsync(message.AsMemory(), SocketFlags.None);
                await ReceiveExactly(socket, reply);
                Volatile.Write(ref RoundTrips, RoundTrips + 1);
            }
        }
    }
}
