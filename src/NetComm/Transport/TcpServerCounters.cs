namespace NetComm.Transport;

/// <summary>A snapshot of a server's counters.</summary>
/// <param name="Active">Connections being served now.</param>
/// <param name="Accepted">Connections accepted and handed to a handler since start.</param>
/// <param name="Refused">Connections closed at once because <see cref="TcpServerOptions.MaxConnections"/> was reached or the server was stopping.</param>
/// <param name="FailedHandlers">Handlers that threw.</param>
/// <param name="BytesReceived">Bytes read by all connections, closed and live.</param>
/// <param name="BytesSent">Bytes written by all connections, closed and live.</param>
/// <param name="Threads">Connection threads alive, busy or parked.</param>
public readonly record struct TcpServerCounters(
    int Active,
    long Accepted,
    long Refused,
    long FailedHandlers,
    long BytesReceived,
    long BytesSent,
    int Threads);
