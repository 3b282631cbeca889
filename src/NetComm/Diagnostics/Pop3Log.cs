using System;
using Microsoft.Extensions.Logging;

namespace NetComm.Diagnostics;

/// <summary>The POP3 client's log events (source-generated: no work when the level is off).</summary>
internal static partial class Pop3Log
{
    [LoggerMessage(EventId = NetCommEventIds.Pop3CommandRefused, Level = LogLevel.Debug, Message = "POP3 server {Host} refused {Command}: {Reply}")]
    public static partial void CommandRefused(ILogger logger, string host, string command, string reply);

    [LoggerMessage(EventId = NetCommEventIds.Pop3MessageRetrieved, Level = LogLevel.Debug, Message = "POP3 message {Number} retrieved from {Host}: {Bytes} bytes")]
    public static partial void MessageRetrieved(ILogger logger, int number, string host, long bytes);

    [LoggerMessage(EventId = NetCommEventIds.Pop3DeletionsCommitted, Level = LogLevel.Information, Message = "POP3 QUIT on {Host} committed {Count} deletion(s)")]
    public static partial void DeletionsCommitted(ILogger logger, string host, int count);

    [LoggerMessage(EventId = NetCommEventIds.Pop3DeletionsAbandoned, Level = LogLevel.Information, Message = "POP3 session on {Host}: {Count} pending deletion(s) abandoned ({How}); nothing was deleted")]
    public static partial void DeletionsAbandoned(ILogger logger, string host, int count, string how);

    [LoggerMessage(EventId = NetCommEventIds.Pop3DisposedWithPendingDeletions, Level = LogLevel.Warning, Message = "POP3 client for {Host} disposed with {Count} pending deletion(s); OnDisposeWithPendingDeletions = {Action}: {Outcome}")]
    public static partial void DisposedWithPendingDeletions(ILogger logger, string host, int count, NetComm.Pop3.Pop3DisposeAction action, string outcome);

    [LoggerMessage(EventId = NetCommEventIds.Pop3Utf8Enabled, Level = LogLevel.Debug, Message = "POP3 session with {Host} switched to UTF-8")]
    public static partial void Utf8Enabled(ILogger logger, string host);

    [LoggerMessage(EventId = NetCommEventIds.Pop3SyncCompleted, Level = LogLevel.Information, Message = "POP3 mailbox sync with {Host}: {New} new, {AlreadySeen} already seen, {Deleted} deleted, {Pruned} id(s) pruned, {Failed} failed")]
    public static partial void SyncCompleted(ILogger logger, string host, int @new, int alreadySeen, int deleted, int pruned, int failed);

    [LoggerMessage(EventId = NetCommEventIds.Pop3SyncMessageFailed, Level = LogLevel.Warning, Message = "POP3 mailbox sync with {Host}: message {Uid} (number {Number}) was not handed over; it comes again next sync")]
    public static partial void SyncMessageFailed(ILogger logger, string host, string uid, int number, Exception error);
}
