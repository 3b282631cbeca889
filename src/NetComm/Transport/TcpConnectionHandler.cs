using System.Threading;

namespace NetComm.Transport;

/// <summary>
/// Serves one connection on its own thread. Return (or throw) to close it; <paramref name="stopping"/>
/// is cancelled when the server stops, and the connection's socket is then closed so blocked reads return.
/// </summary>
public delegate void TcpConnectionHandler(ITcpConnection connection, CancellationToken stopping);
