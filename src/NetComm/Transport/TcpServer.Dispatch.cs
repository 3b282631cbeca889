using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NetComm.Diagnostics;

namespace NetComm.Transport;

// Handing an accepted socket to a thread, or refusing it. Nothing thrown here may reach the accept loop:
// an exception there would end the process with every connection on it.
public sealed partial class TcpServer
{
    private const int MaxBackoffMilliseconds = 1000;

    private readonly byte[]? _refusalLine;
    private int _dispatchBackoff;
    private long _dispatchFailures;

    /// <summary>Serves or refuses <paramref name="socket"/>; false when it had to be refused for a failure (back off).</summary>
    private bool TryDispatch(Socket socket)
    {
        if (_active.Count >= _options.MaxConnections || _stopping.IsCancellationRequested)
        {
            Refuse(socket, _stopping.IsCancellationRequested ? "the server is stopping" : $"{_options.MaxConnections} connections already served");
            return true;
        }

        TcpConnection connection;
        try
        {
            Configure(socket);
            connection = new TcpConnection(socket, _options.ConnectionBufferSize)
            {
                ReadTimeout = _options.ReceiveTimeout,
                WriteTimeout = _options.SendTimeout,
                LineTimeout = _options.LineTimeout,
                MinReceiveRate = _options.MinReceiveRate,
            };
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or ArgumentException or TransportException)
        {
            // The client was gone before we could look at it.
            socket.Dispose();
            Interlocked.Increment(ref _clientFailures);
            TransportLog.ClientGoneBeforeServed(_logger, _options.Name, e.Message);
            return true;
        }

        // Counted and logged before the handler can run (and its client see the answer), undone if no thread starts.
        _active[connection.Id] = connection;
        Interlocked.Increment(ref _accepted);
        TransportLog.ConnectionAccepted(_logger, connection.Id, connection.RemoteEndPoint);
        try
        {
            StartWorker(connection);
        }
        catch (Exception e)
        {
            Interlocked.Decrement(ref _accepted);
            // Typically OutOfMemoryException from Thread.Start under a thread limit. Take the connection back out,
            // refuse it, and tell the accept loop to slow down; log the first failure of a burst, not each one.
            _active.TryRemove(connection.Id, out _);
            connection.Dispose();
            if (Interlocked.Increment(ref _dispatchFailures) == 1)
            {
                TransportLog.DispatchFailed(_logger, e, _options.Name, Volatile.Read(ref _threads), _active.Count);
            }

            Interlocked.Increment(ref _refused);

            _dispatchBackoff = Math.Clamp(_dispatchBackoff * 2, 10, MaxBackoffMilliseconds);
            DrainIfStopped();
            return false;
        }

        var failures = Interlocked.Exchange(ref _dispatchFailures, 0);
        if (failures > 0)
        {
            TransportLog.DispatchRecovered(_logger, _options.Name, failures);
        }

        _dispatchBackoff = 0;
        if (_stopping.IsCancellationRequested)
        {
            connection.Abort("the server is stopping");
        }

        return true;
    }

    private void StartWorker(TcpConnection connection) => RentWorker().Serve(connection);

    private void Configure(Socket socket)
    {
        socket.NoDelay = _options.NoDelay;
        if (_options.KeepAlive)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        }

        if (_options.ReceiveBufferSize is { } receive)
        {
            socket.ReceiveBufferSize = receive;
        }

        if (_options.SendBufferSize is { } send)
        {
            socket.SendBufferSize = send;
        }
    }

    private void Refuse(Socket socket, string reason)
    {
        Interlocked.Increment(ref _refused);
        EndPoint? remote = null;
        try
        {
            remote = socket.RemoteEndPoint;
            if (_refusalLine is not null && TrySendRefusal(socket))
            {
                // Graceful close: the client reads the line, then end of stream.
                socket.Shutdown(SocketShutdown.Send);
            }
            else
            {
                // Reset rather than a graceful close: the client learns at once instead of waiting on a greeting.
                socket.LingerState = new LingerOption(true, 0);
            }
        }
        catch (SocketException)
        {
            // Already gone; nothing to tell it.
        }

        socket.Dispose();
        TransportLog.ConnectionRefused(_logger, remote, reason);
    }

    /// <summary>
    /// Writes the refusal line without ever blocking the accept loop: a fresh socket's kernel buffer is empty, so
    /// a non-blocking send of one short line either goes in whole or fails at once.
    /// </summary>
    private bool TrySendRefusal(Socket socket)
    {
        socket.Blocking = false;
        var sent = socket.Send(_refusalLine!, SocketFlags.None, out var error);
        return error == SocketError.Success && sent == _refusalLine!.Length;
    }

    private void DrainIfStopped()
    {
        if (_stopping.IsCancellationRequested && _active.IsEmpty)
        {
            _drained.TrySetResult();
        }
    }
}
