using Microsoft.Extensions.Logging;

namespace NetComm.Diagnostics;

/// <summary>The SMTP client's log events.</summary>
internal static partial class SmtpLog
{
    [LoggerMessage(EventId = NetCommEventIds.SmtpConnected, Level = LogLevel.Information, Message = "SMTP connected to {Host}:{Port} (TLS: {Tls})")]
    public static partial void Connected(ILogger logger, string host, int port, string tls);

    [LoggerMessage(EventId = NetCommEventIds.SmtpTlsNotAvailable, Level = LogLevel.Warning, Message = "SMTP server {Host}:{Port} did not offer or refused STARTTLS; continuing WITHOUT TLS as StartTlsWhenAvailable allows")]
    public static partial void TlsNotAvailable(ILogger logger, string host, int port);

    [LoggerMessage(EventId = NetCommEventIds.SmtpAuthenticated, Level = LogLevel.Information, Message = "SMTP authenticated as {User} with {Mechanism}")]
    public static partial void Authenticated(ILogger logger, string user, string mechanism);

    [LoggerMessage(EventId = NetCommEventIds.SmtpAuthenticationFailed, Level = LogLevel.Warning, Message = "SMTP authentication as {User} with {Mechanism} failed with {Code}")]
    public static partial void AuthenticationFailed(ILogger logger, string user, string mechanism, int code);

    [LoggerMessage(EventId = NetCommEventIds.SmtpMessageSent, Level = LogLevel.Information, Message = "SMTP message accepted (queue id {QueueId}) for {Recipients} recipient(s), {Bytes} bytes")]
    public static partial void MessageSent(ILogger logger, string? queueId, int recipients, long bytes);

    [LoggerMessage(EventId = NetCommEventIds.SmtpRecipientRejected, Level = LogLevel.Warning, Message = "SMTP recipient <{Recipient}> refused: {Code} {Text}")]
    public static partial void RecipientRejected(ILogger logger, string recipient, int code, string text);

    [LoggerMessage(EventId = NetCommEventIds.SmtpDeliveryUnknown, Level = LogLevel.Error, Message = "SMTP connection to {Host} failed after the message was sent; delivery unknown: {Reason}")]
    public static partial void DeliveryUnknown(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = NetCommEventIds.SmtpDisconnected, Level = LogLevel.Debug, Message = "SMTP disconnected from {Host}:{Port}")]
    public static partial void Disconnected(ILogger logger, string host, int port);
}
