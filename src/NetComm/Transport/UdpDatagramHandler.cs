using System;
using System.Net;

namespace NetComm.Transport;

/// <summary>Handles one datagram in a receive loop (the tutorial's UDP server body). Reply through <paramref name="endpoint"/>.</summary>
/// <param name="endpoint">The endpoint that received the datagram.</param>
/// <param name="datagram">The datagram's bytes, valid only during the call.</param>
/// <param name="remote">The sender.</param>
/// <param name="truncated">Whether the datagram was larger than the loop's buffer.</param>
public delegate void UdpDatagramHandler(IUdpEndpoint endpoint, ReadOnlySpan<byte> datagram, IPEndPoint remote, bool truncated);
