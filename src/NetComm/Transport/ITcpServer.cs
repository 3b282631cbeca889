using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace NetComm.Transport;

/// <summary>
/// A TCP server that serves each connection on its own thread (the tutorial's
/// <c>threading.Thread(target=tcplink)</c>), with bounded connections and a clean stop.
/// </summary>
public interface ITcpServer : IDisposable, IAsyncDisposable
{
    /// <summary>The endpoint being listened on; after <see cref="Start"/>, holds the actual port.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Whether the server is accepting connections.</summary>
    bool IsRunning { get; }

    /// <summary>A snapshot of the counters.</summary>
    TcpServerCounters Counters { get; }

    /// <summary>Binds, listens and starts accepting. Throws <see cref="TransportException"/> naming the endpoint if it is in use.</summary>
    void Start();

    /// <summary>
    /// Stops accepting, cancels the handlers' token, closes their sockets so blocked reads return,
    /// and waits up to <paramref name="timeout"/> for their threads. Returns false when some handler
    /// was still running at the timeout (its thread is a background thread and will not keep the process alive).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Stop is the name every server API uses; VB callers can escape it.")]
    bool Stop(TimeSpan timeout);

    /// <summary>Asynchronous <see cref="Stop"/>; the wait does not block a thread.</summary>
    Task<bool> StopAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
