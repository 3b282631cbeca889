using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetComm.Transport;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// <c>compare tcp-attack [--quick]</c>: a slowloris attack on a <see cref="TcpServer"/> with default options
/// (issue 9). The server runs here with <c>MaxConnections = 50</c>; a child process (<c>tcp-attack-client</c>)
/// holds 100 connections that each send one byte every 2 s and never a newline, reconnecting a second after
/// being dropped or refused. Meanwhile a well-behaved client here connects, reads the greeting and has one line
/// echoed, again and again; each wait (first attempt to served) is one sample. Prints:
/// <c>tcp-attack.drip: median=… s max=… s samples=… refused=… timedout=… threads peak=… after=… rss peak=… MiB</c>.
/// Threads and RSS are this process's (server and one client): the peak is sampled during the attack, "after"
/// is read once the server's parked connection threads have retired.
/// </summary>
internal static class TcpAttack
{
    public const string ChildCommand = "tcp-attack-client";

    private const int MaxConnections = 50;
    private const int Attackers = 100;
    private static readonly TimeSpan s_drip = TimeSpan.FromSeconds(2);

    public static int Run(CompareSettings settings)
    {
        var duration = settings.Quick ? TimeSpan.FromSeconds(40) : TimeSpan.FromSeconds(120);
        using var server = new TcpServer(Greet, new TcpServerOptions { MaxConnections = MaxConnections, Name = "attacked" });
        server.Start();

        var peakThreads = 0;
        var peakRss = 0L;
        using var child = StartAttack(server.LocalEndPoint.Port);
        var waits = new List<double>();
        var clock = Stopwatch.StartNew();
        try
        {
            // Let the attack take every slot before the first sample.
            Measure.WaitUntil(() => server.Counters.Active >= MaxConnections, TimeSpan.FromSeconds(30));
            while (clock.Elapsed < duration)
            {
                waits.Add(WaitToBeServed(server.LocalEndPoint, ref peakThreads, ref peakRss).TotalSeconds);
                Measure.Trace($"served after {waits[^1]:0.00} s; active {server.Counters.Active}, timed out {server.Counters.TimedOut}");
                Thread.Sleep(500);
            }
        }
        finally
        {
            child.StandardInput.Close();
            if (!child.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                child.Kill();
            }
        }

        // "After": once the parked connection threads have retired (ThreadKeepAlive, 30 s), nothing of the attack is left.
        Measure.WaitUntil(() => server.Counters.Threads == 0, TimeSpan.FromSeconds(45));
        Measure.CollectGarbage();
        var after = Threads();
        var counters = server.Counters;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"tcp-attack.drip: median={Measure.Median(waits):0.0} s max={(waits.Count == 0 ? double.NaN : waits.Max()):0.0} s samples={waits.Count} " +
            $"refused={counters.Refused} timedout={counters.TimedOut} failed={counters.FailedHandlers} " +
            $"threads peak={peakThreads} after={after} rss peak={peakRss / 1024.0:0} MiB"));
        return 0;
    }

    /// <summary>The handler: a greeting and one echoed line, as a line protocol's first exchange.</summary>
    private static void Greet(ITcpConnection connection, CancellationToken stopping)
    {
        connection.WriteLine("Welcome.");
        while (connection.ReadLine() is { } line)
        {
            connection.WriteLine(line);
        }
    }

    /// <summary>Retries every 50 ms until a connection is greeted and echoes; returns the time that took.</summary>
    private static TimeSpan WaitToBeServed(IPEndPoint endPoint, ref int peakThreads, ref long peakRss)
    {
        var clock = Stopwatch.StartNew();
        var options = new TcpClientOptions { ReadTimeout = TimeSpan.FromSeconds(5), ConnectTimeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            peakThreads = Math.Max(peakThreads, Threads());
            peakRss = Math.Max(peakRss, Measure.ResidentKiB());
            try
            {
                using var client = TcpConnection.Connect(endPoint.Address.ToString(), endPoint.Port, options);
                if (client.ReadLine() == "Welcome.")
                {
                    client.WriteLine("ping");
                    if (client.ReadLine() == "ping")
                    {
                        return clock.Elapsed;
                    }
                }
            }
            catch (Exception e) when (e is TransportException or TimeoutException)
            {
                // Refused (reset) while the server is full: try again.
            }

            Thread.Sleep(50);
        }
    }

    private static int Threads()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                return int.Parse(line.AsSpan("Threads:".Length).Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static Process StartAttack(int port)
    {
        var info = new ProcessStartInfo { RedirectStandardInput = true, UseShellExecute = false };
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell this process's executable.");
        info.FileName = host;
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(TcpAttack).Assembly.Location);
        }

        info.ArgumentList.Add(ChildCommand);
        info.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the attack process.");
    }

    /// <summary>Child side: <c>tcp-attack-client PORT</c>; drips until its stdin closes.</summary>
    public static int RunChild(string[] args)
    {
        if (args.Length != 1 || !int.TryParse(args[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var port))
        {
            Console.Error.WriteLine($"usage: {ChildCommand} PORT");
            return 2;
        }

        ResourceLimits.RaiseFileLimit();
        using var stop = new CancellationTokenSource();
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        var threads = Enumerable.Range(0, Attackers)
            .Select(i => new Thread(() => Drip(endPoint, TimeSpan.FromMilliseconds(i * s_drip.TotalMilliseconds / Attackers), stop.Token), 256 * 1024) { IsBackground = true })
            .ToList();
        threads.ForEach(t => t.Start());
        Console.In.ReadToEnd();
        stop.Cancel();
        threads.ForEach(t => t.Join(TimeSpan.FromSeconds(5)));
        return 0;
    }

    private static void Drip(IPEndPoint endPoint, TimeSpan offset, CancellationToken stop)
    {
        // Spread the drips over the interval, as independent attackers would be.
        stop.WaitHandle.WaitOne(offset);
        while (!stop.IsCancellationRequested)
        {
            using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Connect(endPoint);
                var sink = new byte[1024];
                while (!stop.WaitHandle.WaitOne(s_drip))
                {
                    socket.Send("x"u8);

                    // Read what the server said (a greeting); nothing at all means it closed us.
                    if (socket.Poll(0, SelectMode.SelectRead) && socket.Receive(sink) == 0)
                    {
                        break;
                    }
                }
            }
            catch (SocketException)
            {
                // Dropped or refused.
            }

            stop.WaitHandle.WaitOne(1000);
        }
    }
}
