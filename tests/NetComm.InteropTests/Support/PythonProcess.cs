using System.Text.RegularExpressions;

namespace NetComm.InteropTests.Support;

/// <summary>Runs one of the tutorial's Python scripts (tests/NetComm.InteropTests/python) with <c>python3 -u</c>.</summary>
public sealed partial class PythonProcess : CapturedProcess
{
    private PythonProcess(string script, IEnumerable<string> arguments)
        : base("python3", new[] { "-u", Path.Combine(AppContext.BaseDirectory, "python", script) }.Concat(arguments))
    {
    }

    /// <summary>Starts <paramref name="script"/>; skips the test when python3 is not installed.</summary>
    public static PythonProcess Start(string script, params string[] arguments)
    {
        if (!IsInstalled)
        {
            Assert.Ignore("python3 is not installed: 'bash build/interop.sh start' installs it (.ci/run does).");
        }

        return new(script, arguments);
    }

    private static bool IsInstalled => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(directory => File.Exists(Path.Combine(directory, "python3")));

    /// <summary>
    /// The port a server script printed on its "PORT n" line, or null when the script ended without one
    /// (its bind failed: the port is taken).
    /// </summary>
    public async Task<int?> PortAsync(TimeSpan timeout)
        => await WaitForLineAsync(PortLine(), timeout) is { } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^PORT (\d+)$")]
    private static partial Regex PortLine();
}
