using System;
using System.Net;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace NetComm.Transport;

/// <summary>Options for <see cref="TcpServer"/>.</summary>
public sealed class TcpServerOptions
{
    /// <summary>
    /// The address and port to listen on; port 0 asks for an ephemeral port (read it from
    /// <see cref="ITcpServer.LocalEndPoint"/> after start). <see cref="IPAddress.IPv6Any"/> with
    /// <see cref="DualMode"/> accepts IPv4 and IPv6. Default: 127.0.0.1, port 0.
    /// </summary>
    public IPEndPoint EndPoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Accept IPv4 clients on an IPv6 listening socket.</summary>
    public bool DualMode { get; set; }

    /// <summary>Length of the kernel's queue of connections not yet accepted.</summary>
    public int Backlog { get; set; } = 512;

    /// <summary>Connections served at once; a connection beyond it is closed at once and counted as refused.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Disables Nagle's algorithm on accepted sockets (on by default: it costs a factor of 500 on small replies).</summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>Enables TCP keep-alive probes on accepted sockets.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Kernel receive buffer size in bytes, or null for the OS default.</summary>
    public int? ReceiveBufferSize { get; set; }

    /// <summary>Kernel send buffer size in bytes, or null for the OS default.</summary>
    public int? SendBufferSize { get; set; }

    /// <summary>Size of each connection's read buffer.</summary>
    public int ConnectionBufferSize { get; set; } = TcpConnection.DefaultBufferSize;

    /// <summary>Time one read may wait; infinite by default.</summary>
    public TimeSpan ReceiveTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>Time one write may take; infinite by default.</summary>
    public TimeSpan SendTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>A connection with no traffic either way for this long is closed by the server; infinite by default.</summary>
    public TimeSpan IdleTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Stack size of connection threads. 256 KiB costs the same resident memory as the 8 MiB default
    /// and a thirtieth of the address space.
    /// </summary>
    public int ThreadStackSize { get; set; } = 256 * 1024;

    /// <summary>
    /// How long a connection thread whose client left waits for the next client before exiting.
    /// Reusing a parked thread instead of starting a new one doubles the connection rate.
    /// </summary>
    public TimeSpan ThreadKeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where server events go (start, stop, accept, refuse, close, handler failure).</summary>
    public ILogger? Logger { get; set; }

    /// <summary>A name for threads and log lines.</summary>
    public string Name { get; set; } = "tcp";
}
