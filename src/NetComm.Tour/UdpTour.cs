using System.Net;
using System.Text;
using NetComm.Transport;

namespace NetComm.Tour;

/// <summary>The tutorial's UDP server (answers Hello, NAME.) and client.</summary>
internal static class UdpTour
{
    public static async Task RunAsync(TourOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        UdpEndpoint? server = null;
        UdpReceiveLoop? loop = null;
        IPEndPoint target;
        if (options.UdpHost is null)
        {
            server = new UdpEndpoint();
            loop = server.StartReceiveLoop(Answer(output));
            target = server.LocalEndPoint;
            output.WriteLine($"Server: bind UDP on {target}...");
        }
        else
        {
            var address = (await Dns.GetHostAddressesAsync(options.UdpHost, cancellationToken).ConfigureAwait(false))[0];
            target = new IPEndPoint(address, options.UdpPort);
        }

        try
        {
            var any = target.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
            await using var client = new UdpEndpoint(new UdpEndpointOptions
            {
                LocalEndPoint = new IPEndPoint(options.UdpHost is null ? any : target.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0),
                ReceiveTimeout = TimeSpan.FromSeconds(5),
            });
            var buffer = new byte[1024];
            foreach (var name in options.Names)
            {
                await client.SendToAsync(Encoding.UTF8.GetBytes(name), target, cancellationToken).ConfigureAwait(false);
                var reply = await client.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                output.WriteLine($"Client: {Encoding.UTF8.GetString(buffer, 0, reply.Length)}");
            }
        }
        finally
        {
            loop?.Dispose();
            server?.Dispose();
        }
    }

    /// <summary>The tutorial's UDP server body: s.sendto(b'Hello, %s.' % data, addr).</summary>
    public static UdpDatagramHandler Answer(TextWriter output) => (endpoint, datagram, remote, truncated) =>
    {
        output.WriteLine($"Server: received from {remote}.");
        endpoint.SendTo(Encoding.UTF8.GetBytes($"Hello, {Encoding.UTF8.GetString(datagram)}."), remote);
    };
}
