using System;
using System.IO;
using System.Threading;
using NetComm.Diagnostics;

namespace NetComm.Transport;

// Running a handler and telling apart how it ended. Only a handler's own exception is an error: a slow client,
// a client that vanished and a server that is stopping are routine, and counting them as failures hid real bugs.
public sealed partial class TcpServer
{
    private enum Ending
    {
        HandlerFailed,
        TimedOut,
        ClientFailed,
        ClosedByServer,
    }

    private void RunHandler(TcpConnection connection)
    {
        try
        {
            _handler(connection, _stopping.Token);
        }
        catch (Exception e)
        {
            // A handler's failure is its connection's business: log it and keep serving the others.
            switch (Classify(connection, e))
            {
                // Logged before counted: whoever sees the counter move can find the log line.
                case Ending.TimedOut:
                    TransportLog.ConnectionTimedOut(_logger, connection.Id, connection.RemoteEndPoint, e.Message);
                    Interlocked.Increment(ref _timedOut);
                    break;
                case Ending.ClientFailed:
                    TransportLog.ClientFailed(_logger, connection.Id, connection.RemoteEndPoint, e.Message);
                    Interlocked.Increment(ref _clientFailures);
                    break;
                case Ending.ClosedByServer:
                    TransportLog.HandlerEndedByServer(_logger, connection.Id, connection.RemoteEndPoint, connection.AbortReason ?? "the server is stopping");
                    break;
                default:
                    TransportLog.HandlerFailed(_logger, e, connection.Id, connection.RemoteEndPoint);
                    Interlocked.Increment(ref _failedHandlers);
                    break;
            }
        }
        finally
        {
            connection.Dispose();
            Interlocked.Add(ref _closedBytesIn, connection.BytesReceived);
            Interlocked.Add(ref _closedBytesOut, connection.BytesSent);
            _active.TryRemove(connection.Id, out _);
            TransportLog.ConnectionClosed(_logger, connection.Id, connection.RemoteEndPoint, connection.BytesReceived, connection.BytesSent);
            DrainIfStopped();
        }
    }

    private Ending Classify(TcpConnection connection, Exception e)
    {
        var io = e is IOException or ObjectDisposedException or OperationCanceledException or TimeoutException;
        if (io && (connection.AbortReason is not null || _stopping.IsCancellationRequested))
        {
            // We closed the socket under the handler (idle sweep, Stop): its I/O failing is the expected result.
            return Ending.ClosedByServer;
        }

        return e switch
        {
            TimeoutException => Ending.TimedOut,
            IOException or ObjectDisposedException => Ending.ClientFailed,
            _ => Ending.HandlerFailed,
        };
    }

    private void CloseIdleConnections()
    {
        var now = Environment.TickCount64;
        var limit = (long)_options.IdleTimeout.TotalMilliseconds;
        foreach (var connection in _active.Values)
        {
            if (now - connection.LastActivity > limit && connection.AbortReason is null)
            {
                TransportLog.ConnectionIdle(_logger, connection.Id, connection.RemoteEndPoint, _options.IdleTimeout.TotalSeconds);
                Interlocked.Increment(ref _timedOut);
                connection.Abort($"idle for {_options.IdleTimeout.TotalSeconds:0.###} s");
            }
        }
    }
}
