using System;
using System.Net;
using Microsoft.Extensions.Logging;

namespace NetComm.Diagnostics;

/// <summary>The transport layer's log events (source-generated: no work when the level is off).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = NetCommEventIds.ServerStarted, Level = LogLevel.Information, Message = "TCP server '{Name}' listening on {EndPoint}; at most {MaxConnections} connections ({Limit})")]
    public static partial void ServerStarted(ILogger logger, string name, EndPoint endPoint, int maxConnections, string limit);

    [LoggerMessage(EventId = NetCommEventIds.ServerStopped, Level = LogLevel.Information, Message = "TCP server '{Name}' stopped; all handlers finished: {Drained}")]
    public static partial void ServerStopped(ILogger logger, string name, bool drained);

    [LoggerMessage(EventId = NetCommEventIds.ConnectionAccepted, Level = LogLevel.Debug, Message = "Connection #{Id} accepted from {Remote}")]
    public static partial void ConnectionAccepted(ILogger logger, long id, EndPoint? remote);

    [LoggerMessage(EventId = NetCommEventIds.ConnectionRefused, Level = LogLevel.Warning, Message = "Connection from {Remote} refused: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(EventId = NetCommEventIds.ConnectionClosed, Level = LogLevel.Debug, Message = "Connection #{Id} from {Remote} closed ({BytesIn} bytes in, {BytesOut} bytes out)")]
    public static partial void ConnectionClosed(ILogger logger, long id, EndPoint? remote, long bytesIn, long bytesOut);

    [LoggerMessage(EventId = NetCommEventIds.HandlerFailed, Level = LogLevel.Error, Message = "Handler for connection #{Id} from {Remote} failed; the connection was closed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, long id, EndPoint? remote);

    [LoggerMessage(EventId = NetCommEventIds.AcceptFailed, Level = LogLevel.Warning, Message = "Accepting a connection on '{Name}' failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = NetCommEventIds.ConnectionIdle, Level = LogLevel.Information, Message = "Connection #{Id} from {Remote} closed after {Seconds} s without traffic")]
    public static partial void ConnectionIdle(ILogger logger, long id, EndPoint? remote, double seconds);

    [LoggerMessage(EventId = NetCommEventIds.ConnectionTimedOut, Level = LogLevel.Information, Message = "Connection #{Id} from {Remote} closed: the client was too slow ({Reason})")]
    public static partial void ConnectionTimedOut(ILogger logger, long id, EndPoint? remote, string reason);

    [LoggerMessage(EventId = NetCommEventIds.ClientFailed, Level = LogLevel.Information, Message = "Connection #{Id} from {Remote} ended by the client: {Reason}")]
    public static partial void ClientFailed(ILogger logger, long id, EndPoint? remote, string reason);

    [LoggerMessage(EventId = NetCommEventIds.ClientFailed, Level = LogLevel.Information, Message = "A client of '{Name}' was gone before it could be served: {Reason}")]
    public static partial void ClientGoneBeforeServed(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = NetCommEventIds.HandlerEndedByServer, Level = LogLevel.Debug, Message = "Handler for connection #{Id} from {Remote} ended because the server closed the connection: {Reason}")]
    public static partial void HandlerEndedByServer(ILogger logger, long id, EndPoint? remote, string reason);

    [LoggerMessage(EventId = NetCommEventIds.DispatchFailed, Level = LogLevel.Error, Message = "TCP server '{Name}' could not start a thread for a connection ({Threads} threads, {Active} connections); refusing connections and backing off until one starts")]
    public static partial void DispatchFailed(ILogger logger, Exception exception, string name, int threads, int active);

    [LoggerMessage(EventId = NetCommEventIds.DispatchRecovered, Level = LogLevel.Warning, Message = "TCP server '{Name}' starts connection threads again, after {Failures} connections were refused for want of one")]
    public static partial void DispatchRecovered(ILogger logger, string name, long failures);

    [LoggerMessage(EventId = NetCommEventIds.DatagramHandlerFailed, Level = LogLevel.Error, Message = "Datagram handler failed on {EndPoint} for a datagram from {Remote}")]
    public static partial void DatagramHandlerFailed(ILogger logger, Exception exception, EndPoint? endPoint, EndPoint? remote);
}
