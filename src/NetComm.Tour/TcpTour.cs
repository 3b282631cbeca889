using NetComm.Transport;

namespace NetComm.Tour;

/// <summary>
/// The tour's TCP step: the tutorial's server (a thread per client, <see cref="TutorialTcp.Link"/>) and its
/// client (<see cref="TutorialTcp.Client"/>) in one process, every payload printed on both sides.
/// </summary>
internal static class TcpTour
{
    public static void Run(TourOptions options, TextWriter output)
    {
        TcpServer? server = null;
        var host = options.TcpHost;
        var port = options.TcpPort;
        if (host is null)
        {
            server = new TcpServer((connection, stopping) => TutorialTcp.Link(connection, output, "Server"), new TcpServerOptions { Name = "tour-tcp" });
            server.Start();
            host = server.LocalEndPoint.Address.ToString();
            port = server.LocalEndPoint.Port;
            output.WriteLine($"Server: waiting for connection on {server.LocalEndPoint}...");
        }

        bool drained;
        try
        {
            using var client = TcpConnection.Connect(host, port, new TcpClientOptions { ReadTimeout = options.Timeout });
            TutorialTcp.Client(client, options.Names, output, "Client", expectClose: true);
        }
        finally
        {
            drained = server?.Stop(TimeSpan.FromSeconds(5)) ?? true;
        }

        if (!drained)
        {
            throw new TimeoutException("the TCP server's handlers did not finish within 5 s.");
        }
    }
}
