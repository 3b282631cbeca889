using System.Diagnostics;
using System.Globalization;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// The Python peers: Debian's python3 running a standard-library script from <c>python/</c> (copied next to this
/// program), one child process per round. The script does the workload, times it itself (so the interpreter's start
/// is not counted) and prints its rate as the last line of its output.
/// </summary>
internal static class PythonPeer
{
    /// <summary>Debian's interpreter, the one build/interop.sh installs; not whatever python3 comes first on PATH.</summary>
    public const string Interpreter = "/usr/bin/python3";

    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/> and returns the rate it printed.</summary>
    public static double Run(string script, params string[] arguments)
    {
        if (!File.Exists(Interpreter))
        {
            throw new InvalidOperationException($"{Interpreter} is missing: the Python peers need Debian's python3; run 'bash build/interop.sh install' (as root).");
        }

        var path = Path.Combine(AppContext.BaseDirectory, "python", script);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: the build copies tests/NetComm.Benchmarks/python/ next to the program.");
        }

        // -I: isolated, so that no PYTHON* variable or user site-packages changes what the standard library does.
        var info = new ProcessStartInfo(Interpreter)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-I");
        info.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Interpreter}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{script} did not finish within {s_timeout.TotalMinutes:0} minutes.");
        }

        process.WaitForExit();
        var lines = output.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (process.ExitCode != 0 || lines.Length == 0
            || !double.TryParse(lines[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate))
        {
            throw new InvalidOperationException(
                $"{script} exited with code {process.ExitCode} without a rate: {errors.GetAwaiter().GetResult().Trim()}");
        }

        return rate;
    }
}
