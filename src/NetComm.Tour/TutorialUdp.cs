using System.Net;
using System.Net.Sockets;
using System.Text;
using NetComm.Transport;

namespace NetComm.Tour;

/// <summary>The tutorial's UDP server body and client, printing every datagram both ways (<see cref="Wire"/>).</summary>
internal static class TutorialUdp
{
    /// <summary>The size the tutorial passes to <c>recvfrom</c> and <c>recv</c>: a longer datagram loses its tail.</summary>
    public const int RecvSize = 1024;

    /// <summary>
    /// The tutorial's UDP server body, byte for byte: <c>data, addr = s.recvfrom(1024)</c>, print
    /// "Received from HOST:PORT.", then <c>s.sendto(b'Hello, %s.' % data, addr)</c> (the bytes as they came,
    /// never decoded). Run it with <c>StartReceiveLoop(Answer(...), RecvSize)</c>.
    /// </summary>
    public static UdpDatagramHandler Answer(TextWriter output, string who) => (endpoint, datagram, remote, truncated) =>
    {
        Wire.Received(output, who, remote, datagram);
        if (truncated)
        {
            output.WriteLine($"{who}: the datagram was longer than {RecvSize} bytes; like recvfrom({RecvSize}), only its first {RecvSize} are kept.");
        }

        output.WriteLine($"{who}: Received from {remote}.");
        var reply = new byte["Hello, "u8.Length + datagram.Length + 1];
        "Hello, "u8.CopyTo(reply);
        datagram.CopyTo(reply.AsSpan("Hello, "u8.Length));
        reply[^1] = (byte)'.';
        Wire.Sent(output, who, remote, reply);
        endpoint.SendTo(reply, remote);
    };

    /// <summary>
    /// The tutorial's UDP client on an unconnected endpoint: for each name, <c>sendto</c> the target, then print
    /// whatever one <c>recv(1024)</c> returns. The endpoint's receive timeout bounds each wait.
    /// </summary>
    public static async Task ClientAsync(UdpEndpoint client, IPEndPoint target, IReadOnlyList<string> names, TextWriter output, string who, CancellationToken cancellationToken)
    {
        output.WriteLine($"{who}: sending from {client.LocalEndPoint} to {target}");
        var buffer = new byte[RecvSize];
        foreach (var name in names)
        {
            var data = Encoding.UTF8.GetBytes(name);
            Wire.Sent(output, who, target, data);
            await client.SendToAsync(data, target, cancellationToken).ConfigureAwait(false);
            var reply = await client.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            Wire.Received(output, who, reply.RemoteEndPoint, buffer.AsSpan(0, reply.Length));
            output.WriteLine($"{who}: {Encoding.UTF8.GetString(buffer, 0, reply.Length)}");
        }
    }

    /// <summary>
    /// The address the tutorial's client would use for <paramref name="host"/>: its socket is AF_INET, so the
    /// first IPv4 address, else (for an IPv6-only name) the first address.
    /// </summary>
    public static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return literal;
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>An endpoint on an ephemeral port of the family of <paramref name="target"/>, on loopback when the target is.</summary>
    public static UdpEndpoint ClientFor(IPEndPoint target, TimeSpan receiveTimeout)
    {
        var v6 = target.AddressFamily == AddressFamily.InterNetworkV6;
        var local = IPAddress.IsLoopback(target.Address)
            ? (v6 ? IPAddress.IPv6Loopback : IPAddress.Loopback)
            : (v6 ? IPAddress.IPv6Any : IPAddress.Any);
        return new UdpEndpoint(new UdpEndpointOptions { LocalEndPoint = new IPEndPoint(local, 0), ReceiveTimeout = receiveTimeout });
    }
}
