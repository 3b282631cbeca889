namespace NetComm.Mail;

/// <summary>
/// Names to subscribe to with OpenTelemetry or <c>dotnet-counters</c>: one <see cref="System.Diagnostics.Metrics.Meter"/>
/// and one <see cref="System.Diagnostics.ActivitySource"/> for all mail clients.
/// </summary>
public static class NetCommTelemetry
{
    /// <summary>The meter's name. Instruments: <c>netcomm.smtp.messages_sent</c>, <c>netcomm.smtp.recipients_rejected</c>,
    /// <c>netcomm.pop3.messages_retrieved</c>, <c>netcomm.mail.bytes_sent</c>, <c>netcomm.mail.bytes_received</c>,
    /// and the histogram <c>netcomm.mail.operation.duration</c> (seconds, tagged protocol, operation, outcome); the
    /// <c>SmtpSender</c>'s <c>netcomm.smtp.sender.queue_length</c>, <c>.sessions_open</c>, <c>.sent</c>, <c>.retries</c>
    /// and <c>.failures</c>.</summary>
    public const string MeterName = "NetComm.Mail";

    /// <summary>The activity source's name: spans <c>smtp.connect</c>, <c>smtp.authenticate</c>, <c>smtp.send</c>,
    /// <c>pop3.connect</c>, <c>pop3.authenticate</c>, <c>pop3.retrieve</c>, tagged with server address and port; and
    /// <c>smtp.sender.send</c>, one per <c>SmtpSender</c> message, parent of its attempts' spans.</summary>
    public const string ActivitySourceName = "NetComm.Mail";
}
