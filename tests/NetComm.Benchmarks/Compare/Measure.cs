using System.Diagnostics;
using System.Globalization;

namespace NetComm.Benchmarks.Compare;

/// <summary>How long and how often a comparison runs.</summary>
/// <param name="Rounds">Measured rounds of each side, interleaved A/B/A/B; the median is reported.</param>
/// <param name="Warmup">Load before each measurement window (not counted).</param>
/// <param name="Window">Length of each measurement window.</param>
/// <param name="Quick">The CI smoke variant: one round, short windows, same workloads and lines.</param>
/// <param name="Verbose">Print every round's figures to stderr.</param>
/// <param name="Only">When set, only workloads whose name starts with it run (for iterating on one).</param>
internal sealed record CompareSettings(int Rounds, TimeSpan Warmup, TimeSpan Window, bool Quick, bool Verbose, string? Only = null)
{
    public bool Includes(string workload) => Only is null || workload.StartsWith(Only, StringComparison.Ordinal);

    public static CompareSettings Full { get; } = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(800), Quick: false, Verbose: false);

    public static CompareSettings QuickRun { get; } = new(1, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250), Quick: true, Verbose: false);
}

/// <summary>One protocol's side-by-side workloads (tcp, udp; later smtp, pop3).</summary>
internal interface IComparisonSuite
{
    /// <summary>The name after <c>compare</c> on the command line.</summary>
    string Name { get; }

    /// <summary>Runs every workload and prints one <see cref="Measure.FormatLine"/> line per workload.</summary>
    void Run(CompareSettings settings);
}

/// <summary>The two sides of every comparison.</summary>
internal enum Side
{
    NetComm,
    Baseline,
}

/// <summary>The medians of one workload.</summary>
internal readonly record struct Comparison(string Name, string Unit, double NetComm, double Baseline)
{
    public double Ratio => Baseline == 0 ? double.NaN : NetComm / Baseline;
}

/// <summary>Shared helpers: alternating rounds, medians, the result line, resident memory.</summary>
internal static class Measure
{
    private static readonly Stopwatch s_clock = Stopwatch.StartNew();

    /// <summary>Phase timings on stderr (set by <c>--verbose</c>).</summary>
    public static bool Tracing { get; set; }

    public static void Trace(string message)
    {
        if (Tracing)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    [{s_clock.Elapsed.TotalSeconds:0.000}] {message}"));
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> for each side, <see cref="CompareSettings.Rounds"/> times, interleaved
    /// NetComm/Baseline/NetComm/Baseline, prints the result line with both medians and returns it.
    /// </summary>
    public static Comparison Alternate(string name, string unit, CompareSettings settings, Func<Side, int, double> run)
    {
        var clock = Stopwatch.StartNew();
        var ours = new List<double>();
        var theirs = new List<double>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            foreach (var side in (ReadOnlySpan<Side>)[Side.NetComm, Side.Baseline])
            {
                var value = run(side, round);
                (side == Side.NetComm ? ours : theirs).Add(value);
                if (settings.Verbose)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name} round {round + 1} {side}: {value:0.##} {unit}"));
                }
            }
        }

        var result = new Comparison(name, unit, Median(ours), Median(theirs));
        Console.WriteLine(FormatLine(result));
        if (settings.Verbose)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name} took {clock.Elapsed.TotalSeconds:0.0} s"));
        }

        return result;
    }

    /// <summary>The line other checks parse: <c>tcp.echo.c16: netcomm=123456 msg/s baseline=130000 msg/s ratio=0.95</c>.</summary>
    public static string FormatLine(Comparison c)
        => string.Create(CultureInfo.InvariantCulture, $"{c.Name}: netcomm={c.NetComm:0} {c.Unit} baseline={c.Baseline:0} {c.Unit} ratio={c.Ratio:0.00}");

    /// <summary>Prints a workload line for a workload that could not be measured (ratio 0 so that checks fail it).</summary>
    public static void PrintFailure(string name, string unit, Exception error)
    {
        Console.Error.WriteLine($"{name} failed: {error}");
        Console.WriteLine(FormatLine(new Comparison(name, unit, 0, 0)).Replace("ratio=NaN", "ratio=0.00", StringComparison.Ordinal));
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Events per second over a window: samples a monotonically growing total after a warm-up.</summary>
    public static double Rate(Func<long> total, TimeSpan warmup, TimeSpan window)
    {
        Thread.Sleep(warmup);
        var start = total();
        var clock = Stopwatch.StartNew();
        Thread.Sleep(window);
        var end = total();
        return (end - start) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; false at the timeout.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }

    /// <summary>Full blocking collection, so that a resident-memory reading holds live data only.</summary>
    public static void CollectGarbage()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>This process's resident set (VmRSS in /proc/self/status), in KiB; 0 where /proc is missing.</summary>
    public static long ResidentKiB()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return 0;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var digits = line.AsSpan("VmRSS:".Length).Trim();
                digits = digits[..digits.IndexOf(' ')];
                return long.Parse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
