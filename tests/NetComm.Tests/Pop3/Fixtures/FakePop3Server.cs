using System.Collections.Concurrent;
using System.Text;
using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Pop3.Fixtures;

/// <summary>
/// A small POP3 server on a real loopback socket (our TcpServer, port 0), honest by default, with a hook per
/// command for hostile behaviour. STLS and implicit TLS use the certificate made in the test run.
/// </summary>
public sealed class FakePop3Server : IDisposable
{
    private readonly TcpServer _server;

    public FakePop3Server(Action<FakePop3Server>? configure = null)
    {
        configure?.Invoke(this);
        _server = LoopbackServer.Start((connection, _) => Serve(connection));
    }

    /// <summary>CAPA lines before TLS.</summary>
    public List<string> Capabilities { get; } = ["USER", "UIDL", "TOP", "PIPELINING", "STLS"];

    /// <summary>CAPA lines after STLS (and on the implicit-TLS port).</summary>
    public List<string> TlsCapabilities { get; } = ["USER", "UIDL", "TOP", "PIPELINING", "SASL PLAIN"];

    /// <summary>The maildrop, unstuffed, CRLF line ends.</summary>
    public List<string> Messages { get; } = [];

    /// <summary>TLS from the first byte, as on port 995.</summary>
    public bool ImplicitTls { get; set; }

    /// <summary>When set, sends nothing at all (not even the greeting).</summary>
    public bool Silent { get; set; }

    /// <summary>Handles a command instead of the honest server when it returns true.</summary>
    public Func<string, ITcpConnection, bool>? OnCommand { get; set; }

    /// <summary>Every command line received, in order.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public int Port => _server.LocalEndPoint.Port;

    /// <summary>Client options for this server: certificate trusted, short timeouts, no plaintext login unless the test allows it.</summary>
    public Pop3ClientOptions ClientOptions(TlsMode mode, Action<Pop3ClientOptions>? configure = null)
    {
        var options = new Pop3ClientOptions
        {
            Host = "localhost",
            Port = Port,
            TlsMode = mode,
            CommandTimeout = Timeouts.Wait,
            GreetingTimeout = Timeouts.Wait,
            ConnectTimeout = Timeouts.Wait,
        };
        options.Tls.HandshakeTimeout = Timeouts.Wait;
        options.Tls.TrustedRoots.Add(TestCertificates.Localhost);
        configure?.Invoke(options);
        return options;
    }

    public void Dispose() => _server.Dispose();

    /// <summary>The message as RETR sends it: dot-stuffed, with the terminator.</summary>
    public static string Stuffed(string message)
    {
        var text = new StringBuilder();
        foreach (var line in message.Split("\r\n")[..^1])
        {
            text.Append(line.StartsWith('.') ? "." : "").Append(line).Append("\r\n");
        }

        return text.Append(".\r\n").ToString();
    }

    private void Serve(ITcpConnection connection)
    {
        if (Silent)
        {
            connection.ReadLine();
            return;
        }

        var tls = false;
        if (ImplicitTls)
        {
            connection.UpgradeToTlsAsServer(new TlsServerOptions(TestCertificates.Localhost));
            tls = true;
        }

        connection.WriteLine("+OK fake POP3 ready");
        while (connection.ReadLine(64 * 1024) is { } line)
        {
            Received.Enqueue(line);
            if (OnCommand?.Invoke(line, connection) == true)
            {
                continue;
            }

            var words = line.Split(' ');
            var number = words.Length > 1 && int.TryParse(words[1], out var n) ? n : 0;
            switch (words[0].ToUpperInvariant())
            {
                case "CAPA":
                    Multiline(connection, "+OK", tls ? TlsCapabilities : Capabilities);
                    break;
                case "STLS":
                    connection.WriteLine("+OK begin TLS");
                    connection.UpgradeToTlsAsServer(new TlsServerOptions(TestCertificates.Localhost));
                    tls = true;
                    break;
                case "STAT":
                    connection.WriteLine($"+OK {Messages.Count} {Messages.Sum(m => m.Length)}");
                    break;
                case "LIST":
                    Multiline(connection, "+OK", Messages.Select((m, i) => $"{i + 1} {m.Length}"));
                    break;
                case "UIDL":
                    Multiline(connection, "+OK", Messages.Select((_, i) => $"{i + 1} uid-{i + 1}"));
                    break;
                case "RETR" when number >= 1 && number <= Messages.Count:
                    connection.Write(Encoding.UTF8.GetBytes("+OK\r\n" + Stuffed(Messages[number - 1])));
                    break;
                case "QUIT":
                    connection.WriteLine("+OK bye");
                    return;
                case "RETR" or "DELE" when number < 1 || number > Messages.Count:
                    connection.WriteLine("-ERR no such message");
                    break;
                default:
                    connection.WriteLine("+OK");
                    break;
            }
        }
    }

    private static void Multiline(ITcpConnection connection, string status, IEnumerable<string> lines)
        => connection.Write(Encoding.UTF8.GetBytes(status + "\r\n" + string.Concat(lines.Select(l => l + "\r\n")) + ".\r\n"));
}
