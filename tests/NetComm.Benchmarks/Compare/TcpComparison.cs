namespace NetComm.Benchmarks.Compare;

/// <summary>
/// <c>compare tcp</c>: our thread-per-connection <see cref="NetComm.Transport.TcpServer"/> against a raw
/// async-socket server, with the same async-socket load generator in the same process.
/// </summary>
internal sealed class TcpComparison : IComparisonSuite
{
    /// <summary>Idle connections held for the memory reading (and the largest echo workload).</summary>
    public const int ManyConnections = 5000;

    private static readonly int[] s_echoConnections = [1, 16, 128, 1000, ManyConnections];

    public string Name => "tcp";

    public void Run(CompareSettings settings)
    {
        foreach (var connections in s_echoConnections)
        {
            // Many connections need longer to get every client going before the window opens; and
            // 5,000 connections cost seconds to set up and tear down per round: at most three rounds.
            var warmup = connections >= 1000 ? settings.Warmup * 2 : settings.Warmup;
            var rounds = connections >= ManyConnections ? settings with { Rounds = Math.Min(settings.Rounds, 3) } : settings;
            Workload($"tcp.echo.c{connections}", "msg/s", rounds, ServerMode.Echo,
                server => TcpLoad.EchoRate(server, connections, warmup, settings.Window));
        }

        Workload("tcp.bulk", "MB/s", settings, ServerMode.Sink,
            server => TcpLoad.BulkRate(server, settings.Warmup, settings.Window));

        Workload("tcp.connect", "conn/s", settings, ServerMode.Echo,
            server => TcpLoad.ConnectRate(server, parallel: 4, settings.Warmup, settings.Window));

        // Process start-up dominates a reading here and the figure is steady: at most three rounds.
        var memory = settings with { Rounds = Math.Min(settings.Rounds, 3) };
        Run("tcp.idle-memory", "KiB/conn", memory, (side, _) => IdleMemory.KiBPerConnection(side, ManyConnections));
    }

    /// <summary>Starts both servers once, then alternates rounds between them.</summary>
    private static void Workload(string name, string unit, CompareSettings settings, ServerMode mode, Func<IBenchServer, double> run)
    {
        if (!settings.Includes(name))
        {
            return;
        }

        IBenchServer? ours = null, theirs = null;
        try
        {
            ours = BenchServers.Start(Side.NetComm, mode);
            theirs = BenchServers.Start(Side.Baseline, mode);
            Measure.Alternate(name, unit, settings, (side, _) => run(side == Side.NetComm ? ours : theirs));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Measure.PrintFailure(name, unit, e);
        }
        finally
        {
            ours?.Dispose();
            theirs?.Dispose();
        }
    }

    private static void Run(string name, string unit, CompareSettings settings, Func<Side, int, double> run)
    {
        if (!settings.Includes(name))
        {
            return;
        }

        try
        {
            Measure.Alternate(name, unit, settings, run);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Measure.PrintFailure(name, unit, e);
        }
    }
}
