using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using NetComm.Transport;

namespace NetComm.Benchmarks.Benchmarks;

/// <summary>
/// <see cref="TcpConnection.ReadLine"/> and <see cref="TcpConnection.ReadLineAsync"/> over loopback:
/// a peer socket sends a block of CRLF lines, the connection reads them one by one. Reported per line.
/// </summary>
[MemoryDiagnoser]
public class LineReadingBenchmarks
{
    private const int Lines = 256;

    private Socket? _listener;
    private Socket? _peer;
    private TcpConnection? _connection;
    private byte[] _block = [];

    /// <summary>Line length in bytes, CRLF included.</summary>
    [Params(16, 200)]
    public int LineLength { get; set; } = 16;

    [GlobalSetup]
    public void Setup()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
        _connection = TcpConnection.Connect("127.0.0.1", ((IPEndPoint)_listener.LocalEndPoint!).Port);
        _peer = _listener.Accept();
        _peer.NoDelay = true;
        var line = new string('x', LineLength - 2) + "\r\n";
        _block = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(line, Lines)));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection?.Dispose();
        _peer?.Dispose();
        _listener?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int ReadLine()
    {
        // The peer sends from the pool so that a block larger than the socket buffers cannot deadlock us.
        var send = _peer!.SendAsync(_block.AsMemory(), SocketFlags.None);
        var total = 0;
        for (var i = 0; i < Lines; i++)
        {
            total += _connection!.ReadLine()!.Length;
        }

        send.AsTask().Wait();
        return total;
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public async Task<int> ReadLineAsync()
    {
        var send = _peer!.SendAsync(_block.AsMemory(), SocketFlags.None);
        var total = 0;
        for (var i = 0; i < Lines; i++)
        {
            total += (await _connection!.ReadLineAsync())!.Length;
        }

        await send;
        return total;
    }
}
