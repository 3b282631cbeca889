using System.Net;

namespace NetComm.Transport;

/// <summary>What one receive got.</summary>
/// <param name="Length">Bytes written to the caller's buffer.</param>
/// <param name="RemoteEndPoint">The sender.</param>
/// <param name="Truncated">
/// The datagram was larger than the buffer and its tail was lost. Check it: UDP gives no second chance.
/// </param>
public readonly record struct UdpReceiveResult(int Length, IPEndPoint RemoteEndPoint, bool Truncated);
