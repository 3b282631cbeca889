using System.Diagnostics;
using System.Globalization;
using NetComm.Pop3;
using NetComm.Shared;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// <c>compare pop3-sync [--quick] [--rounds N]</c>: the second sync of a polling worker. Dovecot's <c>bench</c>
/// mailbox (1,000 x 10 KB) is synced by <see cref="Pop3Mailbox"/> with a <see cref="FileUidStore"/> that already holds
/// 990 of its ids (every message but each hundredth), so 10 are new. Each round starts from a copy of that store, times
/// the whole <c>Sync</c> (connect and login included) and counts the round trips after login from the transcript
/// (<see cref="RoundTripCounter"/>: each run of commands followed by a reply). The goal: at most 3 (listing, the
/// pipelined RETRs, QUIT), with exactly 10 RETRs. Prints the median time: <c>pop3.sync-second: netcomm=X ms
/// round-trips=R retrievals=10</c>; exits 1 when the goal is missed.
/// </summary>
internal static class Pop3SyncBenchmark
{
    private const int NewMessages = 10;
    private const int MaxRoundTrips = 3;

    public static int Run(string[] args)
    {
        var rounds = args.Contains("--quick") ? 1 : 5;
        var at = Array.IndexOf(args, "--rounds");
        if (at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            rounds = n;
        }

        var server = Pop3Comparison.BenchServer.Load();
        if (server is null)
        {
            Console.Error.WriteLine("compare pop3-sync: no interop servers (run 'INTEROP_BENCH=1 bash build/interop.sh start'; it writes artifacts/interop/interop.env)");
            return 2;
        }

        var directory = Directory.CreateTempSubdirectory("netcomm-pop3-sync-").FullName;
        try
        {
            var seeded = Path.Combine(directory, "seeded.uids");
            var uids = Seed(server, seeded);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"compare pop3-sync: Dovecot 127.0.0.1:{server.Port} mailbox bench ({uids.Count} messages, {uids.Count - NewMessages} already in the store) rounds={rounds} runtime={Environment.Version}"));

            var times = new List<double>();
            var roundTrips = new HashSet<int>();
            var retrievals = new HashSet<int>();
            for (var round = 0; round <= rounds; round++)
            {
                var (ms, trips, retrieved) = SecondSync(server, seeded, Path.Combine(directory, $"round{round}.uids"));
                roundTrips.Add(trips);
                retrievals.Add(retrieved);
                if (round > 0)
                {
                    times.Add(ms); // round 0 warms up
                }
            }

            times.Sort();
            var worst = roundTrips.Max();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pop3.sync-second: netcomm={times[times.Count / 2]:0.0} ms round-trips={worst} retrievals={string.Join("/", retrievals)}"));
            return worst <= MaxRoundTrips && retrievals.SequenceEqual([NewMessages]) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Writes a store holding every id of the mailbox but each hundredth; returns all the ids.</summary>
    private static IReadOnlyList<Pop3UidEntry> Seed(Pop3Comparison.BenchServer server, string path)
    {
        using var client = new Pop3Client(server.NetCommOptions(Pop3Security.None));
        client.Connect();
        client.Authenticate(server.Bench);
        var uids = client.Uidl();
        client.Abandon();
        using var store = new FileUidStore(path).Open();
        foreach (var entry in uids.Where(u => u.Number % (uids.Count / NewMessages) != 0))
        {
            store.Record(entry.Uid, DateTimeOffset.UtcNow);
        }

        return uids;
    }

    private static (double Ms, int RoundTrips, int Retrievals) SecondSync(Pop3Comparison.BenchServer server, string seeded, string path)
    {
        File.Copy(seeded, path);
        var transcript = new RoundTripCounter();
        var options = server.NetCommOptions(Pop3Security.None);
        options.Transcript = transcript;
        var mailbox = new Pop3Mailbox(options, server.Bench, new FileUidStore(path));
        var clock = Stopwatch.StartNew();
        var result = mailbox.Sync(m => m.Content.CopyTo(Stream.Null));
        clock.Stop();
        if (result.New != NewMessages || result.Failures.Count != 0)
        {
            throw new InvalidOperationException($"expected {NewMessages} new messages and no failures, got {result.New} and {result.Failures.Count}: rebuild with 'INTEROP_BENCH=1 bash build/interop.sh reset-mail bench'");
        }

        return (clock.Elapsed.TotalMilliseconds, transcript.CountFrom("STAT"), transcript.Sent("RETR"));
    }
}
