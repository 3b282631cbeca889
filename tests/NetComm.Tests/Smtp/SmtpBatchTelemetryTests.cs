using System.Diagnostics;
using System.Diagnostics.Metrics;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Tests.Support;
using static NetComm.Tests.Smtp.SmtpScript;

namespace NetComm.Tests.Smtp;

/// <summary>A batch is measured as its single sends would be: one span and one count per message.</summary>
[TestFixture]
[NonParallelizable]
public class SmtpBatchTelemetryTests
{
    [Test]
    public void Every_message_of_a_batch_has_its_own_send_span_and_is_counted_once([Values] bool async)
    {
        long sent = 0;
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NetCommTelemetry.MeterName && instrument.Name == "netcomm.smtp.messages_sent")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref sent, value));
        meters.Start();
        var spans = new List<(string Name, ActivityStatusCode Status, string? Parent)>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == NetCommTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add((a.OperationName, a.Status, a.Parent?.OperationName));
                }
            },
        };
        ActivitySource.AddActivityListener(activities);
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250 PIPELINING")
            .Envelope()
            .Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Envelope()
            .Server("250 ok").Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Envelope()
            .Server("554 5.7.1 Spam").Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Server("250 ok");
        using var client = new SmtpClient(PlainOptions(), server);
        client.Connect();

        var result = async ? client.SendBatchAsync([Message(), Message(), Message()]).GetAwaiter().GetResult() : client.SendBatch([Message(), Message(), Message()]);

        Assert.That(result.Items.Select(i => i.Succeeded), Is.EqualTo(new[] { true, false, true }));
        Assert.That(Interlocked.Read(ref sent), Is.EqualTo(2));
        var sends = spans.Where(s => s.Name == "smtp.send").ToList();
        Assert.That(sends.Select(s => s.Status), Is.EqualTo(new[] { ActivityStatusCode.Ok, ActivityStatusCode.Error, ActivityStatusCode.Ok }));
        Assert.That(sends.Select(s => s.Parent), Is.All.Not.EqualTo("smtp.send"), "sibling spans, not nested");

        // A single send's span says success too (it used to be marked on a copy of the scope, so it said Error).
        server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250 PIPELINING")
            .Envelope().Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Server("250 ok");
        using var single = new SmtpClient(PlainOptions(), server);
        single.Connect();
        single.Send(Message());
        Assert.That(spans.Where(s => s.Name == "smtp.send").Select(s => s.Status).Last(), Is.EqualTo(ActivityStatusCode.Ok));
    }
}
