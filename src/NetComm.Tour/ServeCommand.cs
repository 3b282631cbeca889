using System.Net;
using System.Net.Sockets;
using NetComm.Transport;

namespace NetComm.Tour;

/// <summary>
/// <c>serve [--port 6666]</c>: the tutorial's TCP server (a thread per connection) and UDP server, both on the
/// same port of 127.0.0.1 (the tutorial binds 'localhost' and notes that a TCP and a UDP socket may share a
/// port), until Ctrl+C or SIGTERM. Port 0 picks an ephemeral TCP port and binds UDP to the same number,
/// trying again with another when that UDP port is taken.
/// </summary>
internal static class ServeCommand
{
    public const string Tcp = "TCP server";
    public const string Udp = "UDP server";
    private const int Attempts = 50;

    public static async Task<int> RunAsync(TutorialCommandOptions options, TextWriter output, CancellationToken stop)
    {
        var (tcp, udp) = Bind(options.Port, output);
        using var loop = udp.StartReceiveLoop(TutorialUdp.Answer(output, Udp), TutorialUdp.RecvSize);
        try
        {
            var port = tcp.LocalEndPoint.Port;
            await output.WriteLineAsync($"{Tcp}: Waiting for connection...").ConfigureAwait(false);
            await output.WriteLineAsync($"{Udp}: bind udp on {port}...").ConfigureAwait(false);
            await output.WriteLineAsync($"serve: TCP and UDP on {tcp.LocalEndPoint.Address} port {port}; Ctrl+C or SIGTERM stops.").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await output.WriteLineAsync("serve: stopping...").ConfigureAwait(false);
        }
        finally
        {
            var drained = tcp.Stop(TimeSpan.FromSeconds(5));
            var ended = loop.Stop(TimeSpan.FromSeconds(5));
            udp.Dispose();
            tcp.Dispose();
            output.WriteLine($"serve: stopped (TCP handlers finished: {drained}, UDP loop ended: {ended}).");
        }

        return 0;
    }

    /// <summary>Starts the TCP server and binds the UDP endpoint on the same port number.</summary>
    private static (TcpServer Tcp, UdpEndpoint Udp) Bind(int port, TextWriter output)
    {
        for (var attempt = 1; ; attempt++)
        {
            var tcp = new TcpServer(
                (connection, stopping) => TutorialTcp.Link(connection, output, Tcp),
                new TcpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, port), Backlog = 5, Name = "tutorial-tcp" });
            try
            {
                tcp.Start();
                var udp = new UdpEndpoint(new UdpEndpointOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, tcp.LocalEndPoint.Port) });
                return (tcp, udp);
            }
            catch (TransportException e) when (port == 0 && attempt < Attempts && tcp.IsRunning
                && e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                output.WriteLine($"serve: UDP port {tcp.LocalEndPoint.Port} is taken; trying another ephemeral port.");
                tcp.Dispose();
            }
            catch
            {
                tcp.Dispose();
                throw;
            }
        }
    }
}
