using System.Diagnostics;
using System.Diagnostics.Metrics;
using NetComm.Mail;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;

namespace NetComm.Tests.Pop3;

[TestFixture]
[NonParallelizable]
public class Pop3TelemetryTests
{
    [Test]
    public async Task Login_and_retrieval_produce_spans_and_count_messages([Values] IoMode mode)
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NetCommTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        long retrieved = 0;
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == NetCommTelemetry.MeterName && instrument.Name == "netcomm.pop3.messages_retrieved")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref retrieved, value));
        meters.Start();
        var script = Pop3Script.LoggedIn().C("RETR 1").S("+OK").Raw("Subject: a\r\n\r\nb\r\n.\r\n");

        using var client = await Io.LoggedIn(mode, new ScriptedPop3Stream(script, ChunkMode.Whole));
        await Io.Call(mode, () => client.Retrieve(1), () => client.RetrieveAsync(1));

        Assert.That(spans.Select(s => (s.OperationName, s.Status)), Is.SupersetOf(new[]
        {
            ("pop3.authenticate", ActivityStatusCode.Ok),
            ("pop3.retrieve", ActivityStatusCode.Ok),
        }));
        Assert.That(Interlocked.Read(ref retrieved), Is.GreaterThanOrEqualTo(1));
    }
}
