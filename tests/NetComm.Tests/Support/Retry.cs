using System.Diagnostics;

namespace NetComm.Tests.Support;

/// <summary>
/// A well-behaved client's retry loop against a server that is full by design (an attack holds its slots): the
/// pause between attempts is back-off, as a real client's would be, not a guess at when something happens.
/// </summary>
public static class Retry
{
    private static readonly TimeSpan s_backOff = TimeSpan.FromMilliseconds(20);

    /// <summary>Runs <paramref name="attempt"/> until it returns true or <see cref="Timeouts.Wait"/> runs out; a refusal (<paramref name="isRefusal"/>) counts as a failed attempt.</summary>
    public static bool Until(Func<bool> attempt, Func<Exception, bool> isRefusal)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Timeouts.Wait)
        {
            try
            {
                if (attempt())
                {
                    return true;
                }
            }
            catch (Exception e) when (isRefusal(e))
            {
                // Refused while the server is full: try again.
            }

            Thread.Sleep(s_backOff);
        }

        return false;
    }
}
