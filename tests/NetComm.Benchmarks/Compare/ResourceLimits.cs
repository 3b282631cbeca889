using System.Runtime.InteropServices;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// The c5000 and idle-memory workloads hold 5,000 client and 5,000 server sockets in one process:
/// raise the soft RLIMIT_NOFILE to the hard limit (what <c>ulimit -n</c> would do).
/// </summary>
internal static partial class ResourceLimits
{
    private const int RlimitNoFile = 7; // Linux, every architecture .NET runs on.

    /// <summary>Raises the soft limit to the hard one; returns the soft limit in force (or -1 off Linux).</summary>
    public static long RaiseFileLimit()
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }

        if (GetRLimit(RlimitNoFile, out var limit) != 0)
        {
            return -1;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (SetRLimit(RlimitNoFile, in raised) == 0)
            {
                return (long)Math.Min(raised.Current, long.MaxValue);
            }
        }

        return (long)Math.Min(limit.Current, long.MaxValue);
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct RLimit(ulong Current, ulong Maximum);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);
}
