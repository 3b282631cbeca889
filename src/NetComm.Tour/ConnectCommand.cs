using System.Net;
using NetComm.Transport;

namespace NetComm.Tour;

/// <summary>
/// <c>connect [--host localhost] [--port 6666]</c>: the tutorial's TCP client, then its UDP client, against
/// servers on that host and port (the tutorial's own Python servers, or <c>serve</c>), printing every payload
/// both ways. Each wait is bounded by <c>--timeout</c> (the tutorial's client waits forever).
/// </summary>
internal static class ConnectCommand
{
    public const string Tcp = "TCP client";
    public const string Udp = "UDP client";

    public static async Task<int> RunAsync(TutorialCommandOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"== TCP: the tutorial's client, to {options.Host} port {options.Port} ==").ConfigureAwait(false);
        using (var client = TcpConnection.Connect(options.Host, options.Port, new TcpClientOptions
        {
            ConnectTimeout = options.Timeout,
            ReadTimeout = options.Timeout,
            WriteTimeout = options.Timeout,
        }))
        {
            // Like the tutorial: send b'exit' and close, without waiting for the server to close first.
            TutorialTcp.Client(client, TutorialTcp.Names, output, Tcp, expectClose: false);
        }

        await output.WriteLineAsync($"{Tcp}: closed.").ConfigureAwait(false);

        await output.WriteLineAsync($"== UDP: the tutorial's client, to {options.Host} port {options.Port} ==").ConfigureAwait(false);
        var target = new IPEndPoint(await TutorialUdp.ResolveAsync(options.Host, cancellationToken).ConfigureAwait(false), options.Port);
        await using (var udp = TutorialUdp.ClientFor(target, options.Timeout))
        {
            await TutorialUdp.ClientAsync(udp, target, TutorialTcp.Names, output, Udp, cancellationToken).ConfigureAwait(false);
        }

        await output.WriteLineAsync("connect: done.").ConfigureAwait(false);
        return 0;
    }
}
