namespace NetComm.Transport;

/// <summary>A snapshot of a server's counters.</summary>
/// <param name="Active">Connections being served now.</param>
/// <param name="Accepted">Connections accepted and handed to a handler since start.</param>
/// <param name="Refused">
/// Connections closed at once because <see cref="TcpServerOptions.MaxConnections"/> was reached, the server was stopping,
/// or no thread could be started for them.
/// </param>
/// <param name="FailedHandlers">Handlers that threw an exception of their own (a bug to look at); not slow or vanished clients.</param>
/// <param name="BytesReceived">Bytes read by all connections, closed and live.</param>
/// <param name="BytesSent">Bytes written by all connections, closed and live.</param>
/// <param name="Threads">Connection threads alive, busy or parked.</param>
/// <param name="TimedOut">
/// Connections closed because the client was too slow: idle past <see cref="TcpServerOptions.IdleTimeout"/>, a line past
/// <see cref="TcpServerOptions.LineTimeout"/>, a read past its timeout, deadline or minimum rate.
/// </param>
/// <param name="ClientFailures">Handlers ended by the client: a reset, a broken pipe, a line over the limit, a failed TLS handshake.</param>
public readonly record struct TcpServerCounters(
    int Active,
    long Accepted,
    long Refused,
    long FailedHandlers,
    long BytesReceived,
    long BytesSent,
    int Threads,
    long TimedOut,
    long ClientFailures);
