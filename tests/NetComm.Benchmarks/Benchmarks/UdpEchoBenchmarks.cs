using System.Net;
using BenchmarkDotNet.Attributes;
using NetComm.Benchmarks.Compare;
using NetComm.Transport;

namespace NetComm.Benchmarks.Benchmarks;

/// <summary>One 64-byte datagram round trip: our <see cref="UdpReceiveLoop"/> echo or the raw async baseline.</summary>
[MemoryDiagnoser]
public class UdpEchoBenchmarks
{
    private readonly byte[] _message = new byte[64];
    private readonly byte[] _reply = new byte[2048];
    private IUdpEchoServer? _server;
    private UdpEndpoint? _client;

    [Params("netcomm", "baseline")]
    public string Server { get; set; } = "netcomm";

    [GlobalSetup]
    public void Setup()
    {
        _server = Server == "netcomm" ? new NetCommUdpEcho() : new BaselineUdpEcho();
        _client = new UdpEndpoint(new UdpEndpointOptions
        {
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            RemoteEndPoint = _server.EndPoint,

            // A lost datagram fails the benchmark instead of hanging it.
            ReceiveTimeout = TimeSpan.FromSeconds(5),
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.Dispose();
        _server?.Dispose();
    }

    [Benchmark]
    public int RoundTrip()
    {
        _client!.Send(_message);
        return _client.Receive(_reply).Length;
    }
}
