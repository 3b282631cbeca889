using System.Collections.Generic;
using System.Diagnostics.Metrics;
using NetComm.Mail.Internal;

namespace NetComm.Smtp.Sending;

/// <summary>SmtpSender's instruments, on the library's one meter (names in <see cref="Mail.NetCommTelemetry"/>).</summary>
internal static class SenderTelemetry
{
    public static readonly UpDownCounter<long> QueueLength = MailTelemetry.Meter.CreateUpDownCounter<long>(
        "netcomm.smtp.sender.queue_length", "{message}", "Messages an SmtpSender holds that are not on a session: waiting for one, or for a retry.");

    public static readonly UpDownCounter<long> SessionsOpen = MailTelemetry.Meter.CreateUpDownCounter<long>(
        "netcomm.smtp.sender.sessions_open", "{session}", "SMTP sessions an SmtpSender has open.");

    public static readonly Counter<long> Sent = MailTelemetry.Meter.CreateCounter<long>(
        "netcomm.smtp.sender.sent", "{message}", "Messages an SmtpSender got accepted.");

    public static readonly Counter<long> Retries = MailTelemetry.Meter.CreateCounter<long>(
        "netcomm.smtp.sender.retries", "{attempt}", "Attempts an SmtpSender made again after a failure.");

    public static readonly Counter<long> Failures = MailTelemetry.Meter.CreateCounter<long>(
        "netcomm.smtp.sender.failures", "{message}", "Messages an SmtpSender gave up on, tagged error.type: permanent, exhausted, delivery_unknown.");

    public static KeyValuePair<string, object?> Server(string host) => new("server.address", host);
}
