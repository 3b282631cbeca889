using System.Globalization;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// The mail suites' rounds against a peer client (MailKit, Python): NetComm and the peer alternate, the medians go
/// on one exact line, <c>NAME: netcomm=X UNIT PEER=Y UNIT ratio=X/Y</c>, and each side's spread (min-max) on a
/// separate stderr line, so that the result line stays parseable. A workload that cannot run prints why on stderr
/// and the line with zeros and <c>ratio=0.00</c>, so that a check reading the lines fails it.
/// </summary>
internal static class PeerRounds
{
    /// <summary>Runs <paramref name="measure"/> (true: NetComm, false: the peer) alternately; false when it failed.</summary>
    /// <param name="warmUp">One untimed round of each side first (the POP3 suite's custom).</param>
    public static bool Run(string name, string unit, string peer, int rounds, Func<bool, double> measure, bool warmUp = false)
    {
        try
        {
            if (warmUp)
            {
                measure(true);
                measure(false);
            }

            var ours = new List<double>();
            var theirs = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                ours.Add(measure(true));
                theirs.Add(measure(false));
                Measure.Trace(string.Create(CultureInfo.InvariantCulture, $"{name} round {round + 1}: netcomm={ours[^1]:0} {peer}={theirs[^1]:0}"));
            }

            Console.WriteLine(Format(name, unit, peer, Measure.Median(ours), Measure.Median(theirs)));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name} spread over {rounds} round(s): netcomm={ours.Min():0}-{ours.Max():0} {unit} {peer}={theirs.Min():0}-{theirs.Max():0} {unit}"));
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"{name} failed: {e}");
            Console.WriteLine(Format(name, unit, peer, 0, 0));
            return false;
        }
    }

    /// <summary><c>smtp.one-connection: netcomm=812 msg/s mailkit=640 msg/s ratio=1.27</c>.</summary>
    public static string Format(string name, string unit, string peer, double netcomm, double other)
        => string.Create(CultureInfo.InvariantCulture, $"{name}: netcomm={netcomm:0} {unit} {peer}={other:0} {unit} ratio={(other == 0 ? 0 : netcomm / other):0.00}");
}
