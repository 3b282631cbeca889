using System.Diagnostics;
using System.Globalization;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// <c>compare tcp|udp|all|smtp|pop3|pop3-sync [--quick] [--rounds N] [--verbose]</c>: runs one protocol's suite
/// (or several) and prints a header, one line per workload, and the wall time. <c>compare tcp-attack</c> runs the
/// slowloris stress run instead (see <see cref="TcpAttack"/>).
/// </summary>
internal static class CompareCommand
{
    /// <summary>Suites by name; <c>all</c> runs every implemented one in this order.</summary>
    private static readonly Func<IComparisonSuite>[] s_suites = [() => new TcpComparison(), () => new UdpComparison(), () => new SmtpComparison()];

    /// <summary>Protocols whose suites are still to be written.</summary>
    private static readonly string[] s_planned = [];

    public static int Run(string[] args)
    {
        string? target = null;
        var settings = CompareSettings.Full;
        int? rounds = null;
        var verbose = false;
        string? only = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    settings = CompareSettings.QuickRun;
                    break;
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0:
                    rounds = n;
                    i++;
                    break;
                case "--only" when i + 1 < args.Length:
                    only = args[++i];
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                case var name when target is null && !name.StartsWith('-'):
                    target = name;
                    break;
                default:
                    return Usage($"unexpected argument '{args[i]}'");
            }
        }

        settings = settings with { Rounds = rounds ?? settings.Rounds, Verbose = verbose, Only = only };
        if (target is null)
        {
            return Usage("name a suite");
        }

        if (target == "pop3")
        {
            // The POP3 suite parses its own options (rounds, server) and prints its own lines.
            return Pop3Comparison.RunAsync(args.Where(a => a != "pop3").ToArray()).GetAwaiter().GetResult();
        }

        if (target == "pop3-sync")
        {
            // A round-trip check of the mailbox sync against Dovecot, not a side-by-side comparison.
            return Pop3SyncBenchmark.Run(args.Where(a => a != "pop3-sync").ToArray());
        }

        if (target == "tcp-attack")
        {
            // A stress run, not a side-by-side comparison: one line of waits, threads and memory.
            Measure.Tracing = verbose;
            ResourceLimits.RaiseFileLimit();
            return TcpAttack.Run(settings);
        }

        if (s_planned.Contains(target))
        {
            Console.WriteLine($"compare {target}: not implemented yet");
            return 2;
        }

        var suites = s_suites.Select(create => create()).ToList();
        if (target != "all")
        {
            suites = suites.Where(s => s.Name == target).ToList();
            if (suites.Count == 0)
            {
                return Usage($"unknown suite '{target}'");
            }
        }

        Measure.Tracing = verbose;
        var fileLimit = ResourceLimits.RaiseFileLimit();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"compare {target}: cores={Environment.ProcessorCount} rounds={settings.Rounds} (netcomm/baseline interleaved, median of each) " +
            $"window={settings.Window.TotalMilliseconds:0}ms warmup={settings.Warmup.TotalMilliseconds:0}ms{(settings.Quick ? " quick" : "")} " +
            $"nofile={fileLimit} runtime={Environment.Version} os={Environment.OSVersion.VersionString}"));
        if (fileLimit is >= 0 and < 2 * TcpComparison.ManyConnections + 1000)
        {
            Console.Error.WriteLine($"warning: the open-file limit is {fileLimit}; the 5000-connection workloads need about 11000 (ulimit -n 20000).");
        }

        var clock = Stopwatch.StartNew();
        foreach (var suite in suites)
        {
            suite.Run(settings);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall time: {clock.Elapsed.TotalSeconds:0.0} s"));
        return 0;
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"compare: {problem}");
        Console.Error.WriteLine("usage: compare tcp|udp|all|smtp|pop3|pop3-sync|tcp-attack [--quick] [--rounds N] [--verbose] [--only WORKLOAD-PREFIX]");
        return 2;
    }
}
