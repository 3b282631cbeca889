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

    /// <summary>
    /// Connects <paramref name="count"/> sockets in batches of <paramref name="batch"/>. With
    /// <paramref name="ping"/>, each batch then does one 64-byte echo per socket before the next batch
    /// starts: that proves every handler runs, and paces the connects so that the accept queue (backlog
    /// 512 on both servers) never overflows into SYN retransmits that cost a second each.
    /// </summary>
    public static Socket[] Connect(IPEndPoint server, int count, bool ping = true, int batch = 500)
    {
        var sockets = new Socket[count];
        try
        {
            for (var first = 0; first < count; first += batch)
            {
                var last = Math.Min(count, first + batch);
                var tasks = Enumerable.Range(first, last - first).Select(i => ConnectOne(server, sockets, i, ping)).ToArray();
                if (!Task.WaitAll(tasks, TimeSpan.FromSeconds(30)))
                {
                    throw new TimeoutException($"Connecting clients {first}..{last} of {count} to {server} took over 30 s.");
                }
            }

            return sockets;
        }
        catch
        {
            CloseAll(sockets);
            throw;
        }
    }

    private static async Task ConnectOne(IPEndPoint server, Socket[] sockets, int index, bool ping)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        sockets[index] = socket;
        await socket.ConnectAsync(server);
        if (ping)
        {
            var message = new byte[MessageSize];
            await socket.SendAsync(message.AsMemory(), SocketFlags.None);
            await ReceiveExactly(socket, message);
        }
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
        Measure.Trace($"connecting {connections}");
        var sockets = Connect(server.EndPoint, connections);
        Measure.Trace("connected");
        var clients = new EchoClient[connections];
        try
        {
            // Every server-side handler must be running before the clock starts.
            if (!Measure.WaitUntil(() => server.Entered - enteredBefore >= connections, TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"Only {server.Entered - enteredBefore} of {connections} connections reached the handler.");
            }

            Measure.Trace("handlers entered");
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
            Measure.Trace("load stopped");
            return rate;
        }
        finally
        {
            CloseAll(sockets);
            Measure.Trace("clients closed");
            Measure.WaitUntil(() => server.Active == 0, TimeSpan.FromSeconds(30));
            Measure.Trace("server drained");
        }
    }

    /// <summary>One-way transfer on one connection; returns MB/s (10^6 bytes) over the window.</summary>
    public static double BulkRate(IBenchServer server, TimeSpan warmup, TimeSpan window)
    {
        var sockets = Connect(server.EndPoint, 1, ping: false);
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
