using BenchmarkDotNet.Attributes;
using NetComm.Benchmarks.Compare;
using NetComm.Transport;

namespace NetComm.Benchmarks.Benchmarks;

/// <summary>
/// One 64-byte round trip through an echo server: our <see cref="TcpServer"/> (thread per connection)
/// or the raw async-socket baseline, with a <see cref="TcpConnection"/> client, sync or async.
/// </summary>
[MemoryDiagnoser]
public class TcpEchoBenchmarks
{
    private readonly byte[] _message = new byte[TcpLoad.MessageSize];
    private readonly byte[] _reply = new byte[TcpLoad.MessageSize];
    private IBenchServer? _server;
    private TcpConnection? _client;

    [Params("netcomm", "baseline")]
    public string Server { get; set; } = "netcomm";

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchServers.Start(Server == "netcomm" ? Side.NetComm : Side.Baseline, ServerMode.Echo);
        _client = TcpConnection.Connect("127.0.0.1", _server.EndPoint.Port);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.Dispose();
        _server?.Dispose();
    }

    /// <summary>Blocking client: the path a dedicated thread takes.</summary>
    [Benchmark]
    public void RoundTrip()
    {
        _client!.Write(_message);
        _client.ReadExactly(_reply);
    }

    /// <summary>Async client. (A separate BenchmarkDotNet process: a socket once used async stays so.)</summary>
    [Benchmark]
    public async Task RoundTripAsync()
    {
        await _client!.WriteAsync(_message);
        await _client.ReadExactlyAsync(_reply);
    }
}
