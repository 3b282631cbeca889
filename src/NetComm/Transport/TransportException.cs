using System;
using System.IO;
using System.Net.Sockets;

namespace NetComm.Transport;

/// <summary>
/// A network failure on a connection or endpoint: the peer reset the connection, a port was in
/// use, a read found data it cannot accept. Derives from <see cref="IOException"/> so existing
/// I/O error handling still catches it.
/// </summary>
public class TransportException : IOException
{
    /// <summary>Creates the exception.</summary>
    public TransportException(string message) : base(message) { }

    /// <summary>Creates the exception with the cause.</summary>
    public TransportException(string message, Exception? innerException) : base(message, innerException)
    {
        SocketError = (innerException as SocketException)?.SocketErrorCode
            ?? (innerException?.InnerException as SocketException)?.SocketErrorCode
            ?? SocketError.Success;
    }

    /// <summary>Creates the exception with no message.</summary>
    public TransportException() { }

    /// <summary>The socket error behind the failure, or <see cref="SocketError.Success"/> when there is none.</summary>
    public SocketError SocketError { get; }
}
