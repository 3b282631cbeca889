using System.Net;
using System.Text;
using NetComm.InteropTests.Support;
using NetComm.Tour;
using NetComm.Transport;

namespace NetComm.InteropTests.Tutorial;

/// <summary>The tutorial's own Python clients and servers against NetComm's servers and clients.</summary>
[TestFixture]
public class PythonTutorialTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Python_tcp_client_against_our_thread_per_connection_server()
    {
        var log = new StringWriter();
        using var server = new TcpServer((c, s) => TcpTour.Greet(c, TextWriter.Synchronized(log)));
        server.Start();

        // Two Python clients at once: each is served on its own thread.
        using var first = PythonProcess.Start("tcp_client.py", "127.0.0.1", server.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var second = PythonProcess.Start("tcp_client.py", "127.0.0.1", server.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var client in new[] { first, second })
        {
            Assert.That(await client.ExitCodeAsync(s_wait), Is.Zero, client.Errors);
            Assert.That(client.Output, Does.Contain("Welcome.").And.Contain("hello, Michael.").And.Contain("hello, Tracy.").And.Contain("hello, Sarah."));
        }

        Assert.That(server.Stop(s_wait), Is.True);
        Assert.That(server.Counters.Accepted, Is.EqualTo(2));
        Assert.That(log.ToString(), Does.Contain("receive, Sarah"));
    }

    [Test]
    public async Task Our_tcp_client_against_the_python_server()
    {
        using var server = PythonProcess.Start("tcp_server.py", "127.0.0.1", "0", "--clients", "1", "--delay", "0");
        var port = await server.PortAsync(s_wait);
        using var client = TcpConnection.Connect("127.0.0.1", port, new TcpClientOptions { ReadTimeout = s_wait });
        var buffer = new byte[1024];
        Assert.That(Encoding.UTF8.GetString(buffer, 0, client.Read(buffer)), Is.EqualTo("Welcome."));
        foreach (var name in new[] { "Michael", "Tracy", "Sarah" })
        {
            client.Write(Encoding.UTF8.GetBytes(name));
            Assert.That(Encoding.UTF8.GetString(buffer, 0, client.Read(buffer)), Is.EqualTo($"hello, {name}."));
        }

        client.Write("exit"u8);
        Assert.That(client.Read(buffer), Is.Zero, "the tutorial's server closes after exit");
        Assert.That(await server.ExitCodeAsync(s_wait), Is.Zero, server.Errors);
    }

    [Test]
    public async Task Python_udp_client_against_our_receive_loop()
    {
        using var endpoint = new UdpEndpoint();
        using var loop = endpoint.StartReceiveLoop(UdpTour.Answer(TextWriter.Null));
        using var client = PythonProcess.Start("udp_client.py", "127.0.0.1", endpoint.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(await client.ExitCodeAsync(s_wait), Is.Zero, client.Errors);
        Assert.That(client.Output, Does.Contain("Hello, Michael.").And.Contain("Hello, Tracy.").And.Contain("Hello, Sarah."));
        Assert.That(loop.Received, Is.EqualTo(3));
    }

    [Test]
    public async Task Our_udp_client_against_the_python_server()
    {
        using var server = PythonProcess.Start("udp_server.py", "127.0.0.1", "0", "--datagrams", "3");
        var port = await server.PortAsync(s_wait);
        using var client = new UdpEndpoint(new UdpEndpointOptions { ReceiveTimeout = s_wait });
        var buffer = new byte[1024];
        foreach (var name in new[] { "Michael", "Tracy", "Sarah" })
        {
            await client.SendToAsync(Encoding.UTF8.GetBytes(name), new IPEndPoint(IPAddress.Loopback, port));
            var reply = await client.ReceiveAsync(buffer);
            Assert.That(Encoding.UTF8.GetString(buffer, 0, reply.Length), Is.EqualTo($"Hello, {name}."));
            Assert.That(reply.RemoteEndPoint.Port, Is.EqualTo(port));
        }

        Assert.That(await server.ExitCodeAsync(s_wait), Is.Zero, server.Errors);
    }
}
