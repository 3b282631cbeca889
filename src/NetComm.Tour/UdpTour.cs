using System.Net;
using NetComm.Transport;

namespace NetComm.Tour;

/// <summary>
/// The tour's UDP step: the tutorial's server (<see cref="TutorialUdp.Answer"/>, answers Hello, NAME.) and its
/// client (<see cref="TutorialUdp.ClientAsync"/>), every datagram printed on both sides.
/// </summary>
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
            loop = server.StartReceiveLoop(TutorialUdp.Answer(output, "Server"), TutorialUdp.RecvSize);
            target = server.LocalEndPoint;
            output.WriteLine($"Server: bind UDP on {target}...");
        }
        else
        {
            target = new IPEndPoint(await TutorialUdp.ResolveAsync(options.UdpHost, cancellationToken).ConfigureAwait(false), options.UdpPort);
        }

        try
        {
            await using var client = TutorialUdp.ClientFor(target, TimeSpan.FromSeconds(5));
            await TutorialUdp.ClientAsync(client, target, options.Names, output, "Client", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            loop?.Dispose();
            server?.Dispose();
        }
    }
}
