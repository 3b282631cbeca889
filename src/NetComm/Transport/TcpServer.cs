using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetComm.Diagnostics;

namespace NetComm.Transport;

/// <summary>
/// A thread-per-connection TCP server: one accept thread, and one dedicated background thread per live
/// connection running the handler with blocking I/O. A thread whose client left is parked for the next
/// client (see <see cref="TcpServerOptions.ThreadKeepAlive"/>) rather than discarded.
/// </summary>
/// <remarks>
/// The model is at its best up to about a thousand busy connections per two cores; past that an
/// asynchronous server wins (see docs/transport.md).
/// </remarks>
public sealed partial class TcpServer : ITcpServer
{
    private static readonly TimeSpan s_disposeTimeout = TimeSpan.FromSeconds(5);

    private readonly TcpConnectionHandler _handler;
    private readonly TcpServerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, TcpConnection> _active = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _listener;
    private Thread? _acceptThread;
    private Timer? _idleSweep;
    private IPEndPoint _localEndPoint;
    private int _started;
    private long _accepted;
    private long _refused;
    private long _failedHandlers;
    private long _timedOut;
    private long _clientFailures;
    private long _closedBytesIn;
    private long _closedBytesOut;

    /// <summary>Creates a server that runs <paramref name="handler"/> for each connection.</summary>
    public TcpServer(TcpConnectionHandler handler, TcpServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _options = options ?? new TcpServerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxConnections);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.Backlog);
        if (_options.LineTimeout != Timeout.InfiniteTimeSpan && _options.LineTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.LineTimeout, "LineTimeout must be positive or Timeout.InfiniteTimeSpan.");
        }

        _refusalLine = _options.RefusalLine is { } line ? System.Text.Encoding.UTF8.GetBytes(line + "\r\n") : null;
        _logger = _options.Logger ?? NullLogger.Instance;
        _localEndPoint = _options.EndPoint;
    }

    /// <inheritdoc />
    public IPEndPoint LocalEndPoint => _localEndPoint;

    /// <inheritdoc />
    public bool IsRunning => Volatile.Read(ref _started) == 1 && !_stopping.IsCancellationRequested;

    /// <inheritdoc />
    public TcpServerCounters Counters
    {
        get
        {
            long bytesIn = Interlocked.Read(ref _closedBytesIn), bytesOut = Interlocked.Read(ref _closedBytesOut);
            foreach (var connection in _active.Values)
            {
                bytesIn += connection.BytesReceived;
                bytesOut += connection.BytesSent;
            }

            return new TcpServerCounters(
                _active.Count,
                Interlocked.Read(ref _accepted),
                Interlocked.Read(ref _refused),
                Interlocked.Read(ref _failedHandlers),
                bytesIn,
                bytesOut,
                Volatile.Read(ref _threads),
                Interlocked.Read(ref _timedOut),
                Interlocked.Read(ref _clientFailures));
        }
    }

    /// <inheritdoc />
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _started, 1, 0) != 0)
        {
            throw new InvalidOperationException("The server was already started; create a new one to start again.");
        }

        var endPoint = _options.EndPoint;
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                listener.DualMode = _options.DualMode;
            }

            // Set before listening so accepted sockets inherit it: the TCP window scale is agreed in the
            // handshake, and a receive buffer shrunk after accept does not shrink the advertised window.
            if (_options.ReceiveBufferSize is { } receive)
            {
                listener.ReceiveBufferSize = receive;
            }

            listener.Bind(endPoint);
            listener.Listen(_options.Backlog);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            var why = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "the address is already in use" : e.Message;
            throw new TransportException($"Cannot listen on {endPoint}: {why}.", e);
        }

        _listener = listener;
        _localEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptThread = new Thread(AcceptLoop, 128 * 1024)
        {
            IsBackground = true,
            Name = $"NetComm {_options.Name} accept {_localEndPoint.Port}",
        };
        _acceptThread.Start();
        if (_options.IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            var period = TimeSpan.FromMilliseconds(Math.Clamp(_options.IdleTimeout.TotalMilliseconds / 4, 10, 1000));
            _idleSweep = new Timer(_ => CloseIdleConnections(), null, period, period);
        }

        var limit = _options.MaxConnections == ProcessLimits.DefaultMaxConnections ? ProcessLimits.Explanation : "set in the options";
        TransportLog.ServerStarted(_logger, _options.Name, _localEndPoint, _options.MaxConnections, limit);
    }

    /// <inheritdoc />
    public bool Stop(TimeSpan timeout)
    {
        // One deadline for both waits, so the call returns within the timeout, not twice it.
        var started = Environment.TickCount64;
        BeginStop();
        if (_acceptThread is { } accept && accept != Thread.CurrentThread)
        {
            accept.Join(Remaining(timeout, started));
        }

        return _drained.Task.Wait(Remaining(timeout, started)) && Finish(drained: true);
    }

    private static TimeSpan Remaining(TimeSpan timeout, long started)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return timeout;
        }

        var left = timeout - TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <inheritdoc />
    public async Task<bool> StopAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        BeginStop();
        try
        {
            await _drained.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return Finish(drained: true);
        }
        catch (TimeoutException)
        {
            return Finish(drained: false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!Stop(s_disposeTimeout))
        {
            Finish(drained: false);
        }

        _idleSweep?.Dispose();
        _stopping.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(s_disposeTimeout).ConfigureAwait(false);
        _idleSweep?.Dispose();
        _stopping.Dispose();
    }

    private void BeginStop()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        // Order matters: cancel first, so a connection dispatched concurrently sees the flag and aborts itself.
        _stopping.Cancel();
        _listener?.Dispose();
        _idleSweep?.Change(Timeout.Infinite, Timeout.Infinite);
        foreach (var connection in _active.Values)
        {
            connection.Abort("the server is stopping");
        }

        RetireIdleWorkers();
        if (_active.IsEmpty)
        {
            _drained.TrySetResult();
        }
    }

    private int _finished;

    private bool Finish(bool drained)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            TransportLog.ServerStopped(_logger, _options.Name, drained);
        }

        return drained;
    }

    private void AcceptLoop()
    {
        var listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                TransportLog.AcceptFailed(_logger, e, _options.Name);

                // Typically out of file descriptors: back off instead of spinning on the same error,
                // but wake at once when the server stops.
                _stopping.Token.WaitHandle.WaitOne(10);
                continue;
            }

            if (!TryDispatch(socket))
            {
                // A dispatch that failed (no thread could start) will fail again at once: wait, and grow the wait.
                _stopping.Token.WaitHandle.WaitOne(_dispatchBackoff);
            }
        }
    }
}
