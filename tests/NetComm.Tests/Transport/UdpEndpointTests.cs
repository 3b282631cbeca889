using System.Net;
using System.Text;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Transport;

[TestFixture]
public class UdpEndpointTests
{
    private static UdpEndpoint Bind(IPAddress address) => new(new UdpEndpointOptions
    {
        LocalEndPoint = new IPEndPoint(address, 0),
        ReceiveTimeout = Timeouts.Wait,
    });

    [Test]
    public async Task Send_to_and_receive_from_with_the_senders_endpoint([Values("127.0.0.1", "::1")] string address, [Values] bool async)
    {
        var ip = IPAddress.Parse(address);
        using var a = Bind(ip);
        using var b = Bind(ip);
        var buffer = new byte[100];
        UdpReceiveResult result;
        if (async)
        {
            await a.SendToAsync("Michael"u8.ToArray(), b.LocalEndPoint);
            result = await b.ReceiveAsync(buffer);
        }
        else
        {
            a.SendTo("Michael"u8, b.LocalEndPoint);
            result = b.Receive(buffer);
        }

        Assert.That(Encoding.UTF8.GetString(buffer, 0, result.Length), Is.EqualTo("Michael"));
        Assert.That(result.RemoteEndPoint, Is.EqualTo(a.LocalEndPoint));
        Assert.That(result.Truncated, Is.False);
    }

    [Test]
    public async Task A_datagram_larger_than_the_buffer_is_reported_as_truncated([Values] bool async)
    {
        using var a = Bind(IPAddress.Loopback);
        using var b = Bind(IPAddress.Loopback);
        a.SendTo(new byte[1000], b.LocalEndPoint);
        var small = new byte[100];
        var result = async ? await b.ReceiveAsync(small) : b.Receive(small);
        Assert.That(result.Truncated, Is.True);
        Assert.That(result.Length, Is.EqualTo(100));
    }

    [Test]
    public void Receive_times_out_with_TimeoutException([Values] bool async)
    {
        using var a = new UdpEndpoint(new UdpEndpointOptions { ReceiveTimeout = Timeouts.Short });
        if (async)
        {
            Assert.That(async () => await a.ReceiveAsync(new byte[10]), Throws.InstanceOf<TimeoutException>());
        }
        else
        {
            Assert.Throws<TimeoutException>(() => a.Receive(new byte[10]));
        }
    }

    [Test]
    public void Receive_is_cancellable()
    {
        using var a = Bind(IPAddress.Loopback);
        using var cts = new CancellationTokenSource(Timeouts.Short);
        Assert.That(async () => await a.ReceiveAsync(new byte[10], cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Connected_mode_sends_without_an_address_and_ignores_strangers()
    {
        using var server = Bind(IPAddress.Loopback);
        using var stranger = Bind(IPAddress.Loopback);
        using var client = new UdpEndpoint(new UdpEndpointOptions { RemoteEndPoint = server.LocalEndPoint, ReceiveTimeout = Timeouts.Wait });
        client.Send("ping"u8);
        var buffer = new byte[16];
        var got = server.Receive(buffer);
        stranger.SendTo("noise"u8, client.LocalEndPoint);
        server.SendTo("pong"u8, got.RemoteEndPoint);
        var reply = client.Receive(buffer);
        Assert.That(Encoding.ASCII.GetString(buffer, 0, reply.Length), Is.EqualTo("pong"));
        Assert.Throws<InvalidOperationException>(() => server.Send("x"u8));
    }

    [Test]
    public void Receive_loop_answers_each_datagram_survives_handler_failures_and_stops_cleanly()
    {
        using var server = Bind(IPAddress.Loopback);
        using var loop = server.StartReceiveLoop((endpoint, datagram, remote, truncated) =>
        {
            var name = Encoding.UTF8.GetString(datagram);
            if (name == "boom")
            {
                throw new InvalidOperationException("handler bug");
            }

            endpoint.SendTo(Encoding.UTF8.GetBytes($"Hello, {name}."), remote);
        });
        using var client = Bind(IPAddress.Loopback);
        var buffer = new byte[64];
        client.SendTo("boom"u8, server.LocalEndPoint);
        foreach (var name in new[] { "Michael", "Tracy", "Sarah" })
        {
            client.SendTo(Encoding.UTF8.GetBytes(name), server.LocalEndPoint);
            var reply = client.Receive(buffer);
            Assert.That(Encoding.UTF8.GetString(buffer, 0, reply.Length), Is.EqualTo($"Hello, {name}."));
        }

        Assert.That(loop.FailedHandlers, Is.EqualTo(1));
        Assert.That(loop.Received, Is.EqualTo(4));
        Assert.That(loop.Stop(Timeouts.Wait), Is.True);
        Assert.That(loop.IsRunning, Is.False);
    }

    [Test]
    public void Binding_a_port_in_use_names_the_endpoint()
    {
        using var first = Bind(IPAddress.Loopback);
        var error = Assert.Throws<TransportException>(() => new UdpEndpoint(new UdpEndpointOptions { LocalEndPoint = first.LocalEndPoint }));
        Assert.That(error!.Message, Does.Contain(first.LocalEndPoint.ToString()));
    }
}
