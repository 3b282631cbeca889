using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NetComm.InteropTests.Support;
using NetComm.Tour;
using NetComm.Transport;

namespace NetComm.InteropTests.Tutorial;

/// <summary>
/// The tutorial's own Python scripts (python/*.py: the tutorial's code, deviations listed at the top of each)
/// against the tour's <c>serve</c> command, and the tour's <c>connect</c> command against the tutorial's Python
/// servers, each a separate process. Both sides speak the tutorial's unframed protocol; the tests compare the
/// exact lines each side prints, which show every payload byte for byte.
/// </summary>
[TestFixture]
public partial class PythonTutorialTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Tutorial_tcp_clients_against_serve_a_thread_per_connection()
    {
        var (serve, port) = await TourProcess.ServeAsync(s_wait);
        using (serve)
        {
            // Two of the tutorial's clients at once: each is served on its own thread.
            using var first = PythonProcess.Start("tcp_client.py", Text(port));
            using var second = PythonProcess.Start("tcp_client.py", Text(port));
            foreach (var client in new[] { first, second })
            {
                Assert.That(await client.ExitCodeAsync(s_wait), Is.Zero, client.Errors);
                Assert.That(client.Output, Is.EqualTo("Welcome.\nhello, Michael.\nhello, Tracy.\nhello, Sarah.\n"), client.Errors);
                Assert.That(client.Errors, Is.Empty);
            }

            var peers = serve.Lines.Select(l => AcceptLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
            Assert.That(peers, Has.Count.EqualTo(2), serve.Output);
            foreach (var peer in peers)
            {
                await serve.WaitForLineAsync(new Regex($"^TCP server: connection from {Regex.Escape(peer)} closed\\.$"), s_wait);
                Assert.That(serve.Lines.Where(l => l.Contains(peer, StringComparison.Ordinal)), Is.EqualTo(new[]
                {
                    $"TCP server: accept new connection from {peer}...",
                    $"TCP server sent 8 bytes to {peer}: \"Welcome.\"",
                    $"TCP server received 7 bytes from {peer}: \"Michael\"",
                    $"TCP server sent 15 bytes to {peer}: \"hello, Michael.\"",
                    $"TCP server received 5 bytes from {peer}: \"Tracy\"",
                    $"TCP server sent 13 bytes to {peer}: \"hello, Tracy.\"",
                    $"TCP server received 5 bytes from {peer}: \"Sarah\"",
                    $"TCP server sent 13 bytes to {peer}: \"hello, Sarah.\"",
                    $"TCP server received 4 bytes from {peer}: \"exit\"",
                    $"TCP server: connection from {peer} closed.",
                }), serve.Output);
            }

            foreach (var name in new[] { "Michael", "Tracy", "Sarah" })
            {
                Assert.That(serve.Lines.Count(l => l == $"TCP server: receive, {name}"), Is.EqualTo(2), serve.Output);
            }

            await AssertStopsOnSigtermAsync(serve);
        }
    }

    [Test]
    public async Task Tutorial_udp_client_against_serve_on_the_tcp_servers_port()
    {
        var (serve, port) = await TourProcess.ServeAsync(s_wait);
        using (serve)
        {
            using var client = PythonProcess.Start("udp_client.py", Text(port));
            Assert.That(await client.ExitCodeAsync(s_wait), Is.Zero, client.Errors);
            Assert.That(client.Output, Is.EqualTo("Hello, Michael.\nHello, Tracy.\nHello, Sarah.\n"), client.Errors);

            var peer = serve.Lines.Select(l => UdpReceivedLine().Match(l)).First(m => m.Success).Groups[1].Value;
            Assert.That(serve.Lines.Where(l => l.StartsWith("UDP server", StringComparison.Ordinal) && l.Contains(peer, StringComparison.Ordinal)), Is.EqualTo(new[]
            {
                $"UDP server received 7 bytes from {peer}: \"Michael\"",
                $"UDP server: Received from {peer}.",
                $"UDP server sent 15 bytes to {peer}: \"Hello, Michael.\"",
                $"UDP server received 5 bytes from {peer}: \"Tracy\"",
                $"UDP server: Received from {peer}.",
                $"UDP server sent 13 bytes to {peer}: \"Hello, Tracy.\"",
                $"UDP server received 5 bytes from {peer}: \"Sarah\"",
                $"UDP server: Received from {peer}.",
                $"UDP server sent 13 bytes to {peer}: \"Hello, Sarah.\"",
            }), serve.Output);

            // The same port still answers the tutorial's TCP client: one number, two protocols.
            using var tcp = PythonProcess.Start("tcp_client.py", Text(port));
            Assert.That(await tcp.ExitCodeAsync(s_wait), Is.Zero, tcp.Errors);
            Assert.That(tcp.Output, Is.EqualTo("Welcome.\nhello, Michael.\nhello, Tracy.\nhello, Sarah.\n"), tcp.Errors);

            await AssertStopsOnSigtermAsync(serve);
        }
    }

    [Test]
    public async Task Connect_against_the_tutorials_python_servers()
    {
        var (tcpServer, udpServer, port) = await StartPythonServersAsync();
        using (tcpServer)
        using (udpServer)
        {
            // No --host: the tutorial's 'localhost', where the Python servers are bound.
            using var connect = TourProcess.Start("connect", "--port", Text(port));
            Assert.That(await connect.ExitCodeAsync(TimeSpan.FromSeconds(60)), Is.Zero, connect.Output + connect.Errors);
            Assert.That(connect.Errors, Is.Empty);

            var server = $"127.0.0.1:{port}";
            Assert.That(connect.Lines, Has.Count.EqualTo(27), connect.Output);
            var tcpLocal = ConnectedLine().Match(connect.Lines[1]).Groups[1].Value;
            var udpLocal = SendingLine().Match(connect.Lines[16]).Groups[1].Value;
            Assert.That(connect.Lines, Is.EqualTo(new[]
            {
                $"== TCP: the tutorial's client, to localhost port {port} ==",
                $"TCP client: connected to {server} from {tcpLocal}",
                $"TCP client received 8 bytes from {server}: \"Welcome.\"",
                "TCP client: Welcome.",
                $"TCP client sent 7 bytes to {server}: \"Michael\"",
                $"TCP client received 15 bytes from {server}: \"hello, Michael.\"",
                "TCP client: hello, Michael.",
                $"TCP client sent 5 bytes to {server}: \"Tracy\"",
                $"TCP client received 13 bytes from {server}: \"hello, Tracy.\"",
                "TCP client: hello, Tracy.",
                $"TCP client sent 5 bytes to {server}: \"Sarah\"",
                $"TCP client received 13 bytes from {server}: \"hello, Sarah.\"",
                "TCP client: hello, Sarah.",
                $"TCP client sent 4 bytes to {server}: \"exit\"",
                "TCP client: closed.",
                $"== UDP: the tutorial's client, to localhost port {port} ==",
                $"UDP client: sending from {udpLocal} to {server}",
                $"UDP client sent 7 bytes to {server}: \"Michael\"",
                $"UDP client received 15 bytes from {server}: \"Hello, Michael.\"",
                "UDP client: Hello, Michael.",
                $"UDP client sent 5 bytes to {server}: \"Tracy\"",
                $"UDP client received 13 bytes from {server}: \"Hello, Tracy.\"",
                "UDP client: Hello, Tracy.",
                $"UDP client sent 5 bytes to {server}: \"Sarah\"",
                $"UDP client received 13 bytes from {server}: \"Hello, Sarah.\"",
                "UDP client: Hello, Sarah.",
                "connect: done.",
            }), connect.Output);
            Assert.That(tcpLocal, Does.Match(@"^127\.0\.0\.1:\d+$"));
            Assert.That(udpLocal, Does.Match(@"^127\.0\.0\.1:\d+$"));

            // The tutorial's server saw each name as one message and 'exit' as the end (after its sleep(1)).
            await tcpServer.WaitForLineAsync(new Regex($"^connection from {Regex.Escape(tcpLocal)} closed\\.$"), s_wait);
            Assert.That(tcpServer.Lines, Is.EqualTo(new[]
            {
                $"PORT {port}",
                "Waiting for connection...",
                $"accept new connection from {tcpLocal}...",
                "receive, Michael",
                "receive, Tracy",
                "receive, Sarah",
                $"connection from {tcpLocal} closed.",
            }), tcpServer.Errors);
            Assert.That(tcpServer.Errors, Is.Empty);
            Assert.That(udpServer.Lines, Is.EqualTo(new[]
            {
                $"PORT {port}",
                "bind udp on 6666...",   // the tutorial's line, printed whatever the port
                $"Received from {udpLocal}.",
                $"Received from {udpLocal}.",
                $"Received from {udpLocal}.",
            }), udpServer.Errors);
        }
    }

    [Test]
    public void Serve_takes_each_receive_as_one_message_like_the_tutorial()
    {
        // The tutorial's server has no framing: a newline stays in the name, and 'exit' ends only when it
        // arrives alone. Checked in-process (no Python needed) on the handler serve runs.
        var log = new StringWriter();
        using var server = new TcpServer((c, s) => TutorialTcp.Link(c, TextWriter.Synchronized(log), "TCP server"));
        server.Start();
        using var client = TcpConnection.Connect("127.0.0.1", server.LocalEndPoint.Port, new TcpClientOptions { ReadTimeout = s_wait });
        var buffer = new byte[1024];
        string Exchange(string sent)
        {
            client.Write(Encoding.UTF8.GetBytes(sent));
            return Encoding.UTF8.GetString(buffer, 0, client.Read(buffer));
        }

        Assert.That(Encoding.UTF8.GetString(buffer, 0, client.Read(buffer)), Is.EqualTo("Welcome."));
        Assert.That(Exchange("Michael\n"), Is.EqualTo("hello, Michael\n."));
        Assert.That(Exchange("exit\r\n"), Is.EqualTo("hello, exit\r\n."));
        Assert.That(Exchange("小明"), Is.EqualTo("hello, 小明."));
        client.Write("exit"u8);
        Assert.That(client.Read(buffer), Is.Zero, "the tutorial's server closes after exit");
        Assert.That(server.Stop(s_wait), Is.True);
        Assert.That(log.ToString(), Does.Contain("TCP server received 8 bytes from 127.0.0.1:").And.Contain(": \"Michael\\n\"\n")
            .And.Contain("TCP server sent 16 bytes to 127.0.0.1:").And.Contain(": \"hello, Michael\\n.\"\n")
            .And.Contain("TCP server: receive, 小明\n"));
    }

    [Test]
    public void Wire_shows_every_byte()
    {
        Assert.That(Wire.Quote("Michael"u8), Is.EqualTo("\"Michael\""));
        Assert.That(Wire.Quote("a\"b\\c\r\n\t\0"u8), Is.EqualTo("\"a\\\"b\\\\c\\r\\n\\t\\x00\""));
        Assert.That(Wire.Quote(Encoding.UTF8.GetBytes("你好")), Is.EqualTo("\"你好\""));
        Assert.That(Wire.Quote([0x4d, 0xff, 0xe4, 0xbd]), Is.EqualTo("\"M\\xff\\xe4\\xbd\""));
    }

    /// <summary>The tutorial's TCP and UDP servers on one port: TCP picks it, UDP takes the same number (else both try again).</summary>
    private static async Task<(PythonProcess Tcp, PythonProcess Udp, int Port)> StartPythonServersAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var tcp = PythonProcess.Start("tcp_server.py", "0");
            PythonProcess? udp = null;
            try
            {
                var port = await tcp.PortAsync(s_wait) ?? throw new AssertionException($"tcp_server.py did not start: {tcp.Errors}");
                udp = PythonProcess.Start("udp_server.py", Text(port));
                if (await udp.PortAsync(s_wait) is not null)
                {
                    return (tcp, udp, port);
                }

                if (attempt == 10 || !udp.Errors.Contains("Address already in use", StringComparison.Ordinal))
                {
                    throw new AssertionException($"udp_server.py could not bind port {port}: {udp.Errors}");
                }
            }
            catch
            {
                tcp.Dispose();
                udp?.Dispose();
                throw;
            }

            tcp.Dispose();
            udp?.Dispose();
        }
    }

    private static async Task AssertStopsOnSigtermAsync(TourProcess serve)
    {
        serve.Terminate();
        Assert.That(await serve.ExitCodeAsync(s_wait), Is.Zero, serve.Errors);
        Assert.That(serve.Lines[^1], Does.StartWith("serve: stopped (TCP handlers finished: True, UDP loop ended: True)"), serve.Output);
        Assert.That(serve.Errors, Is.Empty);
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^TCP server: accept new connection from (127\.0\.0\.1:\d+)\.\.\.$")]
    private static partial Regex AcceptLine();

    [GeneratedRegex(@"^UDP server received \d+ bytes from (127\.0\.0\.1:\d+): ")]
    private static partial Regex UdpReceivedLine();

    [GeneratedRegex(@"^TCP client: connected to \S+ from (\S+)$")]
    private static partial Regex ConnectedLine();

    [GeneratedRegex(@"^UDP client: sending from (\S+) to ")]
    private static partial Regex SendingLine();
}
