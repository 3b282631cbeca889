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

    /// <summary>
    /// The default <see cref="MaxConnections"/>, derived once per process from its real limits: each connection
    /// needs a thread (bounded by the kernel's threads-max, the pids cgroup and RLIMIT_NPROC) and a file descriptor
    /// (RLIMIT_NOFILE). It is what is left of the lowest of them, less a tenth kept in reserve, between 16 and 10,000;
    /// 10,000 off Linux. The server logs the value and how it was derived when it starts.
    /// </summary>
    public static int DefaultMaxConnections => ProcessLimits.DefaultMaxConnections;

    /// <summary>
    /// Connections served at once; a connection beyond it is refused: sent <see cref="RefusalLine"/> if set, else
    /// reset at once, and counted in <see cref="TcpServerCounters.Refused"/>. Default <see cref="DefaultMaxConnections"/>.
    /// </summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections;

    /// <summary>
    /// A line (CRLF added) written to a client refused because the server is full or stopping, before a graceful close,
    /// such as SMTP's <c>421 4.3.2 Too busy</c>. The write never blocks the accept loop: it goes into the new socket's
    /// empty kernel buffer or not at all. Null (the default) resets the connection instead, which suits binary
    /// protocols and TLS ports.
    /// </summary>
    public string? RefusalLine { get; set; }

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
    /// Once the first byte of a line has arrived, <see cref="ITcpConnection.ReadLine"/> must find its end within this
    /// time, or it throws <see cref="TimeoutException"/> and the server closes the connection (logged at Information,
    /// counted in <see cref="TcpServerCounters.TimedOut"/>). Unlike <see cref="ReceiveTimeout"/> and
    /// <see cref="IdleTimeout"/>, a client cannot reset it by sending one byte at a time. Default 30 s;
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns it off. Handlers with their own framing use
    /// <see cref="ITcpConnection.SetReadDeadline"/>.
    /// </summary>
    public TimeSpan LineTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The slowest a client may send during <see cref="ITcpConnection.ReadExactly"/> (a fixed-size body, say).
    /// Default 240 bytes/s after a 5 s grace period (Kestrel's <c>MinRequestBodyDataRate</c>); null turns it off.
    /// </summary>
    public MinDataRate? MinReceiveRate { get; set; } = new(240, TimeSpan.FromSeconds(5));

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

    /// <summary>
    /// Where server events go (start, stop, accept, refuse, close, handler failure). Only a handler's own exception
    /// is an Error; slow, idle and vanished clients are Information, refusals Warning.
    /// </summary>
    public ILogger? Logger { get; set; }

    /// <summary>A name for threads and log lines.</summary>
    public string Name { get; set; } = "tcp";
}
