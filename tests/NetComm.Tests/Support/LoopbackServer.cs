using System.Net;
using NetComm.Transport;

namespace NetComm.Tests.Support;

/// <summary>Starts a <see cref="TcpServer"/> on an ephemeral loopback port.</summary>
public static class LoopbackServer
{
    public static TcpServer Start(TcpConnectionHandler handler, Action<TcpServerOptions>? configure = null, IPAddress? address = null)
    {
        var options = new TcpServerOptions { EndPoint = new IPEndPoint(address ?? IPAddress.Loopback, 0) };
        configure?.Invoke(options);
        var server = new TcpServer(handler, options);
        server.Start();
        return server;
    }

    public static TcpConnection Connect(ITcpServer server, TcpClientOptions? options = null)
        => TcpConnection.Connect(server.LocalEndPoint.Address.ToString(), server.LocalEndPoint.Port, options ?? new TcpClientOptions { ReadTimeout = Timeouts.Wait });

    /// <summary>Polls <paramref name="condition"/> until true or the wait runs out; the test fails on timeout.</summary>
    public static void WaitUntil(Func<bool> condition, string what)
    {
        if (!SpinWait.SpinUntil(condition, Timeouts.Wait))
        {
            Assert.Fail($"Timed out waiting for {what}.");
        }
    }
}
