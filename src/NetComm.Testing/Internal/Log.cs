using System;
using System.Net;
using Microsoft.Extensions.Logging;

namespace NetComm.Testing.Internal;

/// <summary>The test server's log events (source-generated: no work when the level is off).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = TestMailServerEventIds.ServerStarted, Level = LogLevel.Information, Message = "Test mail server started on {Address}: SMTP {SmtpPort}, SMTPS {SmtpsPort}, POP3 {Pop3Port}, POP3S {Pop3sPort}")]
    public static partial void ServerStarted(ILogger logger, IPAddress address, int smtpPort, int smtpsPort, int pop3Port, int pop3sPort);

    [LoggerMessage(EventId = TestMailServerEventIds.ServerStopped, Level = LogLevel.Information, Message = "Test mail server stopped; all sessions finished: {Drained}")]
    public static partial void ServerStopped(ILogger logger, bool drained);

    [LoggerMessage(EventId = TestMailServerEventIds.SessionStarted, Level = LogLevel.Debug, Message = "{Protocol} session #{Id} from {Remote} started (implicit TLS: {Tls})")]
    public static partial void SessionStarted(ILogger logger, MailProtocol protocol, long id, EndPoint? remote, bool tls);

    [LoggerMessage(EventId = TestMailServerEventIds.SessionEnded, Level = LogLevel.Debug, Message = "{Protocol} session #{Id} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, MailProtocol protocol, long id, string reason);

    [LoggerMessage(EventId = TestMailServerEventIds.SessionFailed, Level = LogLevel.Debug, Message = "{Protocol} session #{Id} ended on an error")]
    public static partial void SessionFailed(ILogger logger, Exception exception, MailProtocol protocol, long id);

    [LoggerMessage(EventId = TestMailServerEventIds.CommandReceived, Level = LogLevel.Trace, Message = "{Protocol} #{Id} C: {Line}")]
    public static partial void Command(ILogger logger, MailProtocol protocol, long id, string line);

    [LoggerMessage(EventId = TestMailServerEventIds.ReplySent, Level = LogLevel.Trace, Message = "{Protocol} #{Id} S: {Line}")]
    public static partial void Reply(ILogger logger, MailProtocol protocol, long id, string line);

    [LoggerMessage(EventId = TestMailServerEventIds.TlsStarted, Level = LogLevel.Debug, Message = "{Protocol} session #{Id} now uses {TlsProtocol}")]
    public static partial void TlsStarted(ILogger logger, MailProtocol protocol, long id, System.Security.Authentication.SslProtocols tlsProtocol);

    [LoggerMessage(EventId = TestMailServerEventIds.Authenticated, Level = LogLevel.Debug, Message = "{Protocol} session #{Id} authenticated as {User} with {Mechanism}")]
    public static partial void Authenticated(ILogger logger, MailProtocol protocol, long id, string user, string mechanism);

    [LoggerMessage(EventId = TestMailServerEventIds.AuthenticationFailed, Level = LogLevel.Information, Message = "{Protocol} session #{Id}: credentials for {User} refused ({Mechanism})")]
    public static partial void AuthenticationFailed(ILogger logger, MailProtocol protocol, long id, string user, string mechanism);

    [LoggerMessage(EventId = TestMailServerEventIds.MessageAccepted, Level = LogLevel.Information, Message = "SMTP session #{Id} stored message {QueueId} ({Size} octets, {Recipients} recipients)")]
    public static partial void MessageAccepted(ILogger logger, long id, string queueId, int size, int recipients);

    [LoggerMessage(EventId = TestMailServerEventIds.MessageRejected, Level = LogLevel.Information, Message = "SMTP session #{Id} refused a message: {Reason}")]
    public static partial void MessageRejected(ILogger logger, long id, string reason);

    [LoggerMessage(EventId = TestMailServerEventIds.MessageRejected, Level = LogLevel.Information, Message = "SMTP session #{Id} refused a message of {Size} octets: the limit is {Limit}")]
    public static partial void MessageTooLarge(ILogger logger, long id, long size, long limit);

    [LoggerMessage(EventId = TestMailServerEventIds.MaildropUpdated, Level = LogLevel.Debug, Message = "POP3 session #{Id} removed {Deleted} messages from {User}'s maildrop; {Left} left")]
    public static partial void MaildropUpdated(ILogger logger, long id, string user, int deleted, int left);

    [LoggerMessage(EventId = TestMailServerEventIds.ProtocolViolation, Level = LogLevel.Warning, Message = "{Protocol} session #{Id}: protocol violation {Kind}: {Detail}")]
    public static partial void Violation(ILogger logger, MailProtocol protocol, long id, ProtocolViolationKind kind, string detail);

    [LoggerMessage(EventId = TestMailServerEventIds.FaultInjected, Level = LogLevel.Information, Message = "{Protocol} session #{Id}: injected fault {Action} on \"{Line}\"")]
    public static partial void Fault(ILogger logger, MailProtocol protocol, long id, string action, string line);

    [LoggerMessage(EventId = TestMailServerEventIds.SessionLimitReached, Level = LogLevel.Information, Message = "{Protocol} session #{Id} closed by the server: {Reason}")]
    public static partial void SessionLimitReached(ILogger logger, MailProtocol protocol, long id, string reason);

    [LoggerMessage(EventId = TestMailServerEventIds.ProtocolViolation, Level = LogLevel.Warning, Message = "The first {Kept} protocol violations are kept; later ones are only counted (TestMailServer.DroppedViolations)")]
    public static partial void ViolationsDropped(ILogger logger, int kept);
}
