using System.Diagnostics;
using System.Text;
using NetComm.Testing;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Testing;

/// <summary>A line-level client for speaking SMTP or POP3 by hand (fault and strict-mode cases).</summary>
internal sealed class RawClient : IDisposable
{
    private readonly TcpConnection _connection;

    private RawClient(TcpConnection connection) => _connection = connection;

    public static RawClient Connect(int port, TestMailServer? implicitTlsServer = null)
    {
        var options = new TcpClientOptions { ReadTimeout = Timeouts.Wait, WriteTimeout = Timeouts.Wait };
        if (implicitTlsServer is not null)
        {
            options.ImplicitTls = new TlsClientOptions { TargetHost = "localhost", TrustedRoots = { implicitTlsServer.Certificate } };
        }

        return new RawClient(TcpConnection.Connect("127.0.0.1", port, options));
    }

    public int BufferedCount => _connection.BufferedCount;

    public void Send(string text) => _connection.Write(Encoding.UTF8.GetBytes(text));

    public void Send(byte[] bytes) => _connection.Write(bytes);

    /// <summary>Sends one command line with CRLF.</summary>
    public void Command(string line) => Send(line + "\r\n");

    public string ReadLine() => _connection.ReadLine() ?? throw new EndOfStreamException("The server closed the connection.");

    /// <summary>Reads one SMTP reply (all its lines, joined by \n).</summary>
    public string ReadReply()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = ReadLine();
            lines.Add(line);
            if (line.Length < 4 || line[3] == ' ')
            {
                return string.Join("\n", lines);
            }
        }
    }

    /// <summary>Sends a command and returns the SMTP reply.</summary>
    public string Ask(string line)
    {
        Command(line);
        return ReadReply();
    }

    /// <summary>Reads a POP3 multi-line response body up to the "." line (lines still dot-stuffed).</summary>
    public List<string> ReadMultiline()
    {
        var lines = new List<string>();
        while (ReadLine() is var line && line != ".")
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>What one read returns (the bytes of one TCP segment or more).</summary>
    public string ReadOnce()
    {
        var buffer = new byte[64 * 1024];
        var n = _connection.Read(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>True when the server closed the connection (reads end of stream) before the timeout.</summary>
    public bool WaitForClose()
    {
        try
        {
            while (_connection.ReadLine() is not null)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void StartTls(TestMailServer server)
        => _connection.UpgradeToTls(new TlsClientOptions { TrustedRoots = { server.Certificate } }, "localhost");

    /// <summary>EHLO, STARTTLS, EHLO: an SMTP session ready for AUTH.</summary>
    public static RawClient SmtpOverTls(TestMailServer server)
    {
        var client = Connect(server.SmtpPort);
        Assert.That(client.ReadReply(), Does.StartWith("220 "));
        Assert.That(client.Ask("EHLO client.example"), Does.Contain("STARTTLS"));
        Assert.That(client.Ask("STARTTLS"), Does.StartWith("220 "));
        client.StartTls(server);
        Assert.That(client.Ask("EHLO client.example"), Does.StartWith("250"));
        return client;
    }

    public void Dispose() => _connection.Dispose();
}

/// <summary>Runs inline Python scripts (smtplib, poplib) as independent clients.</summary>
internal static class Python
{
    private static readonly Lazy<bool> s_available = new(() =>
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("python3", "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
            return process is not null && process.WaitForExit(10_000) && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public static void RequireAvailable()
    {
        if (!s_available.Value)
        {
            Assert.Ignore("python3 is not installed; the smtplib/poplib interop tests need it.");
        }
    }

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/>; fails the test on a non-zero exit or after 60 s.</summary>
    public static string Run(string script, params string[] args)
    {
        RequireAvailable();
        var path = Path.Combine(Path.GetTempPath(), $"netcomm-test-{Guid.NewGuid():N}.py");
        File.WriteAllText(path, script);
        try
        {
            var info = new ProcessStartInfo("python3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(path);
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("The Python script did not finish within 60 s.");
            }

            process.WaitForExit();
            Assert.That(process.ExitCode, Is.Zero, $"python3 failed:\n{stderr.Result}\n{stdout.Result}");
            return stdout.Result;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
