using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace NetComm.Transport;

/// <summary>A bound UDP socket: send to and receive from any peer, or one peer when connected.</summary>
public interface IUdpEndpoint : IDisposable, IAsyncDisposable
{
    /// <summary>The bound address and port.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>The peer, when the endpoint is connected.</summary>
    IPEndPoint? RemoteEndPoint { get; }

    /// <summary>Time one receive may wait before a <see cref="TimeoutException"/>.</summary>
    TimeSpan ReceiveTimeout { get; set; }

    /// <summary>Sends one datagram to <paramref name="remote"/>.</summary>
    void SendTo(ReadOnlySpan<byte> datagram, IPEndPoint remote);

    /// <summary>Sends one datagram to <paramref name="remote"/>.</summary>
    ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, CancellationToken cancellationToken = default);

    /// <summary>Sends one datagram to the connected peer.</summary>
    void Send(ReadOnlySpan<byte> datagram);

    /// <summary>Sends one datagram to the connected peer.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default);

    /// <summary>Receives one datagram into <paramref name="buffer"/>, reporting the sender and whether it was truncated.</summary>
    UdpReceiveResult Receive(Span<byte> buffer);

    /// <summary>Receives one datagram into <paramref name="buffer"/>, reporting the sender and whether it was truncated.</summary>
    ValueTask<UdpReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="handler"/> for each datagram on a dedicated thread until the returned loop is
    /// stopped or the endpoint disposed. A handler that throws is logged and the loop carries on.
    /// </summary>
    UdpReceiveLoop StartReceiveLoop(UdpDatagramHandler handler, int bufferSize = UdpEndpoint.MaxDatagramSize);
}
