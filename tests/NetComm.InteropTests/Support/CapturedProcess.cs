using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace NetComm.InteropTests.Support;

/// <summary>
/// A child process whose stdout and stderr are captured line by line (UTF-8), killed with its children on dispose.
/// Every wait is bounded: a peer that hangs fails the test instead of hanging it.
/// </summary>
public class CapturedProcess : IDisposable
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(25);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();
    private readonly string _name;

    protected CapturedProcess(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _name = string.Join(' ', start.ArgumentList.Select(Path.GetFileName).Prepend(fileName));
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_errors, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process printed on stdout so far, each line ended by \n.</summary>
    public string Output => Read(_output);

    public string Errors => Read(_errors);

    /// <summary>The stdout lines so far.</summary>
    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Waits until a stdout line matches <paramref name="pattern"/> and returns the match; null when the process
    /// ended without printing one. A timeout fails the test, naming the process and what it printed.
    /// </summary>
    public async Task<Match?> WaitForLineAsync(Regex pattern, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var exited = _process.HasExited;
            if (exited)
            {
                // Exited: wait for the end of its output, so no line is missed.
                await ExitCodeAsync(timeout);
            }

            foreach (var line in Lines)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    return match;
                }
            }

            if (exited)
            {
                return null;
            }

            if (deadline.Elapsed > timeout)
            {
                throw new AssertionException($"{_name} printed no line matching /{pattern}/ within {timeout.TotalSeconds} s.\nstdout:\n{Output}\nstderr:\n{Errors}");
            }

            await Task.Delay(s_poll);
        }
    }

    /// <summary>Waits for the process to end (and its output to be read); a timeout fails the test.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new AssertionException($"{_name} did not exit within {timeout.TotalSeconds} s.\nstdout:\n{Output}\nstderr:\n{Errors}");
        }

        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (what a service manager sends), as <c>kill -TERM</c> would.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        if (!kill.WaitForExit(10_000) || kill.ExitCode != 0)
        {
            throw new AssertionException($"kill -TERM {Id} failed.");
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended on its own meanwhile.
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.Append(line).Append('\n');
        }
    }

    private static string Read(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
