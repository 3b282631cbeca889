using Microsoft.Extensions.Logging;

namespace NetComm.Diagnostics;

/// <summary>The SMTP client's log events.</summary>
internal static partial class SmtpLog
{
    [LoggerMessage(EventId = NetCommEventIds.SmtpMessageSent, Level = LogLevel.Information, Message = "SMTP message accepted (queue id {QueueId}) for {Recipients} recipient(s), {Bytes} bytes")]
    public static partial void MessageSent(ILogger logger, string? queueId, int recipients, long bytes);

    [LoggerMessage(EventId = NetCommEventIds.SmtpRecipientRejected, Level = LogLevel.Warning, Message = "SMTP recipient <{Recipient}> refused: {Code} {Text}")]
    public static partial void RecipientRejected(ILogger logger, string recipient, int code, string text);

    [LoggerMessage(EventId = NetCommEventIds.SmtpDeliveryUnknown, Level = LogLevel.Error, Message = "SMTP connection to {Host} failed after the message was sent; delivery unknown: {Reason}")]
    public static partial void DeliveryUnknown(ILogger logger, string host, string reason);

}
