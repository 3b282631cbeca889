using System;
using System.Globalization;
using System.IO;

namespace NetComm.Transport;

/// <summary>
/// How many connections this process can really serve, thread per connection: each needs a thread (bounded
/// by the kernel's threads-max, the pids cgroup and RLIMIT_NPROC) and a file descriptor (RLIMIT_NOFILE).
/// A server that accepts past these dies starting a thread; one capped below them refuses and lives.
/// </summary>
internal static class ProcessLimits
{
    /// <summary>The cap when no limit is lower: beyond it an asynchronous server is the better tool.</summary>
    public const int Ceiling = 10_000;

    /// <summary>Never below this: a tiny limit is more likely misread than real.</summary>
    public const int Floor = 16;

    private static readonly Lazy<(int Value, string Why)> s_default = new(Compute);

    /// <summary>The derived default for <see cref="TcpServerOptions.MaxConnections"/>.</summary>
    public static int DefaultMaxConnections => s_default.Value.Value;

    /// <summary>How the default was derived, for the start-up log line.</summary>
    public static string Explanation => s_default.Value.Why;

    private static (int, string) Compute()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (Ceiling, "the built-in ceiling (limits are read on Linux only)");
        }

        var threadsInUse = Math.Max(Environment.ProcessorCount, ReadStatusThreads());
        var threadLimit = Min(
            ReadNumber("/proc/sys/kernel/threads-max"),
            CgroupPidsLeft(),
            SoftLimit("Max processes"));
        var fdLimit = SoftLimit("Max open files") is { } files ? files - CountOpenFiles() : (long?)null;

        // Keep a tenth, and some more, in reserve for everything else the process does.
        var threadRoom = threadLimit is { } t ? Reserve(t - threadsInUse) : long.MaxValue;
        var fdRoom = fdLimit is { } f ? Reserve(f) : long.MaxValue;
        var chosen = (int)Math.Clamp(Math.Min(threadRoom, fdRoom), Floor, Ceiling);
        var why = string.Create(
            CultureInfo.InvariantCulture,
            $"derived from process limits: thread room {Show(threadLimit)} (threads-max, pids cgroup, RLIMIT_NPROC), file descriptors {Show(fdLimit)} (RLIMIT_NOFILE), ceiling {Ceiling}");
        return (chosen, why);

        static long Reserve(long room) => room - (room / 10) - 32;

        static string Show(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "unlimited";
    }

    private static long? Min(params long?[] values)
    {
        long? min = null;
        foreach (var value in values)
        {
            if (value is { } v && (min is null || v < min))
            {
                min = v;
            }
        }

        return min;
    }

    /// <summary>Pids left in this process's cgroup (v2 or v1), or null when unlimited or unreadable.</summary>
    private static long? CgroupPidsLeft()
    {
        foreach (var dir in (ReadOnlySpan<string>)["/sys/fs/cgroup", "/sys/fs/cgroup/pids"])
        {
            if (ReadNumber(Path.Combine(dir, "pids.max")) is { } max)
            {
                return max - (ReadNumber(Path.Combine(dir, "pids.current")) ?? 0);
            }
        }

        return null;
    }

    private static long? ReadNumber(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int ReadStatusThreads()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Threads:", StringComparison.Ordinal)
                    && int.TryParse(line.AsSpan("Threads:".Length).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                {
                    return n;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unknown: the processor count stands in.
        }

        return 0;
    }

    private static long CountOpenFiles()
    {
        try
        {
            return Directory.GetFiles("/proc/self/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 64;
        }
    }

    /// <summary>A soft limit from /proc/self/limits ("Max processes", "Max open files"); null when unlimited or unreadable.</summary>
    private static long? SoftLimit(string name)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith(name, StringComparison.Ordinal))
                {
                    var fields = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unknown: treated as unlimited.
        }

        return null;
    }
}
