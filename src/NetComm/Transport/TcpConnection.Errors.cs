using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using NetComm.Internal;

namespace NetComm.Transport;

public sealed partial class TcpConnection
{
    /// <summary>
    /// Arms a per-operation deadline for async calls (sync calls use the socket's own timeouts).
    /// Returns the source to dispose, or null when no timer is needed.
    /// </summary>
    private static CancellationTokenSource? StartDeadline<TIo>(TimeSpan timeout, ref CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (!TIo.IsAsync || timeout == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        cancellationToken = cts.Token;
        return cts;
    }

    /// <summary>
    /// Turns what the runtime throws into what our callers are promised: <see cref="TimeoutException"/>
    /// for our deadlines, <see cref="OperationCanceledException"/> for theirs, <see cref="TransportException"/>
    /// for the network, all naming the connection.
    /// </summary>
    private Exception Translate(Exception error, string operation, TimeSpan timeout, CancellationTokenSource? deadline, CancellationToken callerToken)
    {
        if (error is OperationCanceledException)
        {
            if (deadline is not null && deadline.IsCancellationRequested && !callerToken.IsCancellationRequested)
            {
                return new TimeoutException($"{operation} on connection #{Id} to {RemoteEndPoint} timed out after {timeout.TotalSeconds:0.###} s.", error);
            }

            return error;
        }

        var socketError = (error as SocketException ?? error.InnerException as SocketException)?.SocketErrorCode;
        if (socketError is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return new TimeoutException($"{operation} on connection #{Id} to {RemoteEndPoint} timed out after {timeout.TotalSeconds:0.###} s.", error);
        }

        if (error is ObjectDisposedException)
        {
            return new TransportException($"{operation} failed: connection #{Id} to {RemoteEndPoint} is closed.", error);
        }

        if (error is TransportException)
        {
            return error;
        }

        return new TransportException($"{operation} on connection #{Id} to {RemoteEndPoint} failed: {error.Message}", error);
    }

    private static bool IsIoFailure(Exception e) => e is IOException or SocketException or ObjectDisposedException or OperationCanceledException;
}
