using System;
using System.Threading;

namespace NetComm.Transport;

/// <summary>Options for <see cref="TcpConnection.Connect"/> and <see cref="TcpConnection.ConnectAsync"/>.</summary>
public sealed class TcpClientOptions
{
    /// <summary>Time allowed to resolve the host and connect, over all addresses tried.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one read to make progress; <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Time allowed for one write; <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Disables Nagle's algorithm (on by default: a protocol that writes whole messages wants it).</summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>Enables TCP keep-alive probes.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Size of the connection's read buffer in bytes.</summary>
    public int BufferSize { get; set; } = TcpConnection.DefaultBufferSize;

    /// <summary>When set, TLS is negotiated right after connecting (implicit TLS, as on ports 465 and 995).</summary>
    public TlsClientOptions? ImplicitTls { get; set; }
}
