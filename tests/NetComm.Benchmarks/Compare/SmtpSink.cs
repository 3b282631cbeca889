using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// Postfix's <c>smtp-sink</c> (C, one event loop, replies without Nagle stalls) in a child process on a free
/// 127.0.0.1 port: an SMTP server fast enough that a client benchmark measures the client, not the server.
/// It announces PIPELINING, 8BITMIME, ENHANCEDSTATUSCODES and DSN, and neither AUTH nor CHUNKING: clients talk
/// to it in plain text without logging in, and every message goes as DATA.
/// </summary>
internal sealed class SmtpSink : IDisposable
{
    /// <summary>Where Debian's postfix package installs it.</summary>
    public const string ExecutablePath = "/usr/sbin/smtp-sink";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _errors;

    private SmtpSink(Process process, StringBuilder errors, int port)
    {
        _process = process;
        _errors = errors;
        Port = port;
    }

    /// <summary>The address it listens on: always the loopback address.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The port it listens on, picked free when it started.</summary>
    public int Port { get; }

    /// <summary>
    /// Starts a sink and returns once it has greeted a probe connection. Throws a clear error when smtp-sink is not
    /// installed, or when it exits or stays silent (its stderr is in the message).
    /// </summary>
    public static SmtpSink Start()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing: it comes with Debian's postfix package; run 'bash build/interop.sh install' (as root).");
        }

        // The free port is found by binding port 0 and letting it go, so another process may take it before
        // smtp-sink binds it: a sink that exits at once is retried on a new port.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var errors = new StringBuilder();
            var process = Launch(port, errors);
            var sink = new SmtpSink(process, errors, port);
            if (sink.WaitForGreeting())
            {
                return sink;
            }

            var why = sink.Describe();
            sink.Dispose();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"smtp-sink did not start on 127.0.0.1:{port}: {why}");
            }
        }
    }

    /// <summary>Kills the sink (and any children it has) and waits until it is gone.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already gone and reaped.
        }

        _process.Dispose();
    }

    private static Process Launch(int port, StringBuilder errors)
    {
        var info = new ProcessStartInfo(ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };

        // -a: no AUTH; -C, -F: no XCLIENT/XFORWARD (nothing a client would use); -4: IPv4 only.
        foreach (var argument in (string[])["-a", "-C", "-F", "-4", "-m", "1024"])
        {
            info.ArgumentList.Add(argument);
        }

        if (Environment.IsPrivilegedProcess)
        {
            // smtp-sink refuses to run as root without a user to drop to after binding.
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add("nobody");
        }

        info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"));
        info.ArgumentList.Add("1024");
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {ExecutablePath}.");
        process.ErrorDataReceived += (_, e) => Collect(errors, e.Data);
        process.OutputDataReceived += (_, e) => Collect(errors, e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private static void Collect(StringBuilder errors, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (errors)
        {
            errors.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>True once a connection gets the 220 greeting; false when the process exits or the time is up.</summary>
    private bool WaitForGreeting()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < s_startTimeout && !_process.HasExited)
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 2000 };
                probe.Connect(IPAddress.Loopback, Port);
                var greeting = new byte[512];
                var length = probe.Receive(greeting);
                if (length >= 3 && Encoding.ASCII.GetString(greeting, 0, 3) == "220")
                {
                    probe.Send("QUIT\r\n"u8);
                    return true;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }

            Thread.Sleep(20);
        }

        return false;
    }

    private string Describe()
    {
        var state = _process.HasExited
            ? string.Create(CultureInfo.InvariantCulture, $"it exited with code {_process.ExitCode}")
            : $"no greeting within {s_startTimeout.TotalSeconds:0} s";
        lock (_errors)
        {
            return _errors.Length == 0 ? state : $"{state}; it said: {_errors.ToString().Trim()}";
        }
    }
}
