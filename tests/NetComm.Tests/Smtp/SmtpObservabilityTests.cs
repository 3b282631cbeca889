using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Moq;
using NetComm.Diagnostics;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Tests.Support;
using static NetComm.Tests.Smtp.SmtpScript;

namespace NetComm.Tests.Smtp;

[TestFixture]
[NonParallelizable]
public class SmtpObservabilityTests
{
    [Test]
    public void Sending_records_metrics_a_span_and_log_events_with_stable_ids()
    {
        var measurements = new List<(string Name, double Value)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NetCommTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value));
            }
        });
        meters.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value));
            }
        });
        meters.Start();
        var spans = new List<string>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == NetCommTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a.OperationName);
                }
            },
        };
        ActivitySource.AddActivityListener(activities);

        var logger = new Mock<ILogger>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        var options = PlainOptions();
        options.Logger = logger.Object;
        var message = Message();
        message.To.Add(new MimeKit.MailboxAddress("Nobody", "nobody@example.test"));
        options.PartialDelivery = PartialDeliveryPolicy.SendToAccepted;
        var server = Greeted(ChunkMode.Whole)
            .Client("MAIL").Client("RCPT").Client("RCPT").Client("DATA")
            .Server("250 ok").Server("250 ok").Server("550 5.1.1 no such user").Server("354 go")
            .ClientData().Server("250 ok queued as Q1");
        using var client = new SmtpClient(options, server);
        client.Connect();
        client.Send(message);

        Assert.That(measurements, Has.Some.Matches<(string Name, double Value)>(m => m.Name == "netcomm.smtp.messages_sent" && m.Value == 1));
        Assert.That(measurements, Has.Some.Matches<(string Name, double Value)>(m => m.Name == "netcomm.smtp.recipients_rejected" && m.Value == 1));
        Assert.That(measurements, Has.Some.Matches<(string Name, double Value)>(m => m.Name == "netcomm.mail.operation.duration"));
        Assert.That(measurements, Has.Some.Matches<(string Name, double Value)>(m => m.Name == "netcomm.mail.bytes_sent" && m.Value > 0));
        Assert.That(spans, Does.Contain("smtp.connect").And.Contain("smtp.send"));
        foreach (var id in new[] { NetCommEventIds.SmtpConnected, NetCommEventIds.SmtpRecipientRejected, NetCommEventIds.SmtpMessageSent })
        {
            logger.Verify(l => l.Log(It.IsAny<LogLevel>(), It.Is<EventId>(e => e.Id == id), It.IsAny<It.IsAnyType>(), It.IsAny<Exception?>(), It.IsAny<Func<It.IsAnyType, Exception?, string>>()), Times.Once, $"event {id}");
        }
    }

    [Test]
    public async Task Code_that_depends_on_ISmtpClient_can_be_tested_with_a_mock()
    {
        var smtp = new Mock<ISmtpClient>();
        smtp.Setup(s => s.SendAsync(It.IsAny<MimeKit.MimeMessage>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SmtpCommandException("refused", SmtpErrorCode.RecipientRejected, new SmtpReply(450, ["4.2.1 try later"])));
        var error = Assert.ThrowsAsync<SmtpCommandException>(() => smtp.Object.SendAsync(Message()));
        Assert.That(error!.IsTransient, Is.True);
        Assert.That(error.EnhancedStatusCode, Is.EqualTo(new EnhancedStatusCode(4, 2, 1)));
        await Task.CompletedTask;
    }
}
