using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NetComm.Mail.Internal;

/// <summary>The mail clients' meter and activity source (names in <see cref="NetCommTelemetry"/>).</summary>
internal static class MailTelemetry
{
    public static readonly ActivitySource Source = new(NetCommTelemetry.ActivitySourceName);

    /// <summary>The one meter of the library; SMTP's sender adds its instruments to it.</summary>
    public static readonly Meter Meter = new(NetCommTelemetry.MeterName);

    public static readonly Counter<long> MessagesSent = Meter.CreateCounter<long>("netcomm.smtp.messages_sent", "{message}", "Messages accepted by an SMTP server.");

    public static readonly Counter<long> RecipientsRejected = Meter.CreateCounter<long>("netcomm.smtp.recipients_rejected", "{recipient}", "Recipients an SMTP server refused.");

    public static readonly Counter<long> MessagesRetrieved = Meter.CreateCounter<long>("netcomm.pop3.messages_retrieved", "{message}", "Messages downloaded over POP3.");

    public static readonly Counter<long> BytesSent = Meter.CreateCounter<long>("netcomm.mail.bytes_sent", "By", "Bytes written to mail servers.");

    public static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>("netcomm.mail.bytes_received", "By", "Bytes read from mail servers.");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("netcomm.mail.operation.duration", "s", "Duration of connect, authenticate, send and retrieve operations.");

    /// <summary>Starts a span and a duration measurement; dispose the scope to record both.</summary>
    public static OperationScope Start(string protocol, string operation, string host, int port)
    {
        var activity = Source.StartActivity($"{protocol}.{operation}", ActivityKind.Client);
        activity?.SetTag("server.address", host);
        activity?.SetTag("server.port", port);
        return new OperationScope(protocol, operation, activity, Stopwatch.GetTimestamp());
    }

    /// <summary>One measured operation; call <see cref="Succeed"/> before disposing, or it counts as failed.</summary>
    public struct OperationScope(string protocol, string operation, Activity? activity, long started) : IDisposable
    {
        private bool _succeeded;

        public readonly Activity? Activity => activity;

        public void Succeed() => _succeeded = true;

        public readonly void Dispose()
        {
            var outcome = _succeeded ? "success" : "failure";
            Duration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("protocol", protocol),
                new KeyValuePair<string, object?>("operation", operation),
                new KeyValuePair<string, object?>("outcome", outcome));
            if (activity is not null)
            {
                activity.SetStatus(_succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
                activity.Dispose();
            }
        }
    }
}
