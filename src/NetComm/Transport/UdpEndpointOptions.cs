using System;
using System.Net;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace NetComm.Transport;

/// <summary>Options for <see cref="UdpEndpoint"/>.</summary>
public sealed class UdpEndpointOptions
{
    /// <summary>The local address and port to bind; port 0 picks an ephemeral port. Default: 127.0.0.1, port 0.</summary>
    public IPEndPoint LocalEndPoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Receive IPv4 datagrams on an IPv6 socket.</summary>
    public bool DualMode { get; set; }

    /// <summary>When set, the endpoint is connected: it only exchanges datagrams with this peer.</summary>
    public IPEndPoint? RemoteEndPoint { get; set; }

    /// <summary>Allows sending to broadcast addresses (off by default).</summary>
    public bool EnableBroadcast { get; set; }

    /// <summary>Time one receive may wait before a <see cref="TimeoutException"/>; infinite by default.</summary>
    public TimeSpan ReceiveTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>Kernel receive buffer size in bytes, or null for the OS default.</summary>
    public int? ReceiveBufferSize { get; set; }

    /// <summary>Kernel send buffer size in bytes, or null for the OS default.</summary>
    public int? SendBufferSize { get; set; }

    /// <summary>Where the receive loop reports handler failures.</summary>
    public ILogger? Logger { get; set; }
}
