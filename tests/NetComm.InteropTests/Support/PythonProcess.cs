using System.Diagnostics;
using System.Text;

namespace NetComm.InteropTests.Support;

/// <summary>Runs one of the tutorial's Python scripts with python3, capturing its output, killed on dispose.</summary>
public sealed class PythonProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PythonProcess(string script, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-u");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "python", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(e.Data);
            }

            if (e.Data.StartsWith("PORT ", StringComparison.Ordinal) && int.TryParse(e.Data.AsSpan(5), out var port))
            {
                _port.TrySetResult(port);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(e.Data);
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

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

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>The port a server script printed on its first line.</summary>
    public async Task<int> PortAsync(TimeSpan timeout)
    {
        try
        {
            return await _port.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new AssertionException($"The script printed no PORT line. stderr: {Errors}");
        }
    }

    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
