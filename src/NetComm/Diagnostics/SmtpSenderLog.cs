using Microsoft.Extensions.Logging;

namespace NetComm.Diagnostics;

/// <summary>SmtpSender's log events: every attempt, retry, verdict and session change (source-generated).</summary>
internal static partial class SmtpSenderLog
{
    [LoggerMessage(EventId = NetCommEventIds.SmtpSenderAttempt, Level = LogLevel.Debug, Message = "SMTP sender: attempt {Attempt} of {MaxAttempts} for message {MessageId} on session {Session} to {Host}")]
    public static partial void Attempt(ILogger logger, int attempt, int maxAttempts, string messageId, long session, string host);

    [LoggerMessage(EventId = NetCommEventIds.SmtpSenderRetrying, Level = LogLevel.Warning, Message = "SMTP sender: attempt {Attempt} for message {MessageId} failed, nothing was delivered ({Reason}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, int attempt, string messageId, string reason, long delayMs);

    [LoggerMessage(EventId = NetCommEventIds.SmtpSenderFailed, Level = LogLevel.Error, Message = "SMTP sender gave up on message {MessageId} after {Attempts} attempt(s) ({Verdict}): {Reason}")]
    public static partial void Failed(ILogger logger, string messageId, int attempts, string verdict, string reason);

    [LoggerMessage(EventId = NetCommEventIds.SmtpSenderDeliveryUnknown, Level = LogLevel.Error, Message = "SMTP sender: the outcome of message {MessageId} is unknown after attempt {Attempt} ({Action}): {Reason}")]
    public static partial void DeliveryUnknown(ILogger logger, string messageId, int attempt, string action, string reason);

    [LoggerMessage(EventId = NetCommEventIds.SmtpSenderPoolShrunk, Level = LogLevel.Warning, Message = "SMTP server {Host} answered 421; the sender keeps at most {Limit} session(s) for {Seconds} s")]
    public static partial void PoolShrunk(ILogger logger, string host, int limit, double seconds);

    [LoggerMessage(EventId = NetCommEventIds.SmtpSenderSessionClosed, Level = LogLevel.Debug, Message = "SMTP sender closed session {Session} to {Host} after {Messages} message(s): {Reason}")]
    public static partial void SessionClosed(ILogger logger, long session, string host, int messages, string reason);

    [LoggerMessage(EventId = NetCommEventIds.SmtpSenderDrainTimedOut, Level = LogLevel.Warning, Message = "SMTP sender for {Host} disposed: {Count} message(s) still in flight after {Seconds} s were cancelled")]
    public static partial void DrainTimedOut(ILogger logger, string host, int count, double seconds);
}
