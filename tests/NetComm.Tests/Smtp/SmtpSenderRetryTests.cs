using System.Diagnostics;
using System.Diagnostics.Metrics;
using NetComm.Diagnostics;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Testing;
using NetComm.Tests.Support;
using static NetComm.Tests.Smtp.SenderSupport;

namespace NetComm.Tests.Smtp;

/// <summary>SmtpSender's retry rules, each against the in-process server's faults; every attempt is logged and counted.</summary>
[TestFixture]
[NonParallelizable]
public class SmtpSenderRetryTests
{
    private TestMailServer _server = null!;
    private EventLog _log = null!;

    [SetUp]
    public void SetUp()
    {
        _server = Server();
        _log = new EventLog();
    }

    [TearDown]
    public void TearDown() => _server.Dispose();

    [Test]
    public void Greylisting_is_retried_after_a_back_off_and_delivered_once()
    {
        _server.Faults.Greylist(TimeSpan.FromMilliseconds(150));
        var options = Options(_server, _log);
        options.RetryDelay = TimeSpan.FromMilliseconds(100);
        options.MaxRetryDelay = TimeSpan.FromMilliseconds(400);
        using var sender = new SmtpSender(options);

        var result = sender.Send(Message(1));

        Assert.That(result.FinalReply.Code, Is.EqualTo(250));
        Assert.That(Subjects(_server), Is.EqualTo(new[] { "message 1" }));
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderRetrying), Is.InRange(1, 3));
        Assert.That(_log.Messages(NetCommEventIds.SmtpSenderRetrying), Has.All.Contains("451 4.7.1"));
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderAttempt), Is.EqualTo(_log.Count(NetCommEventIds.SmtpSenderRetrying) + 1));
    }

    [Test]
    public void A_server_that_drops_after_the_final_dot_is_reported_not_retried_not_duplicated()
    {
        _server.Faults.DisconnectAfterFinalDot(keepMessage: true);
        using var sender = new SmtpSender(Options(_server, _log));

        Assert.That(() => sender.Send(Message(1)), Throws.TypeOf<SmtpDeliveryUnknownException>());

        Assert.That(Subjects(_server), Is.EqualTo(new[] { "message 1" }), "stored once, never sent again");
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderAttempt), Is.EqualTo(1));
        Assert.That(_log.WaitFor(NetCommEventIds.SmtpSenderDeliveryUnknown, Timeouts.Wait), Does.Contain("reported, not sent again"));
        Assert.That(sender.SessionsOpen, Is.Zero, "the broken session was closed");
    }

    [Test]
    public async Task With_the_retry_policy_an_unknown_outcome_is_sent_again_and_logged()
    {
        _server.Faults.DisconnectAfterFinalDot(keepMessage: false, times: 1);
        var options = Options(_server, _log);
        options.DeliveryUnknown = DeliveryUnknownPolicy.Retry;
        await using var sender = new SmtpSender(options);

        await sender.SendAsync(Message(1));

        Assert.That(Subjects(_server), Is.EqualTo(new[] { "message 1" }));
        Assert.That(_log.Messages(NetCommEventIds.SmtpSenderDeliveryUnknown).Single(), Does.Contain("sending it again"));
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderAttempt), Is.EqualTo(2));
    }

    [Test]
    public void A_connection_lost_before_the_final_dot_is_retried_and_delivered_once()
    {
        // Not DisconnectDuringData: a small message goes whole (BDAT LAST, or DATA up to the dot) before a reply is read,
        // so a drop there is rightly an unknown outcome.
        _server.Faults.DisconnectOn("RCPT", times: 1);
        using var sender = new SmtpSender(Options(_server, _log));

        sender.Send(Message(1));

        Assert.That(Subjects(_server), Is.EqualTo(new[] { "message 1" }));
        Assert.That(_log.Messages(NetCommEventIds.SmtpSenderRetrying).Single(), Does.Contain("MailProtocolException"));
    }

    [Test]
    public void A_5xx_is_final_after_one_attempt()
    {
        _server.Faults.RejectMessage(554, "5.7.1", "Spam");
        using var sender = new SmtpSender(Options(_server, _log));

        var refusal = Assert.Throws<SmtpCommandException>(() => sender.Send(Message(1)))!;

        Assert.That(refusal.StatusCode, Is.EqualTo(554));
        Assert.That(refusal.ServerReply, Does.Contain("Spam"));
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderAttempt), Is.EqualTo(1));
        Assert.That(_log.Messages(NetCommEventIds.SmtpSenderFailed).Single(), Does.Contain("permanent"));
        Assert.That(sender.SessionsOpen, Is.EqualTo(1), "a refusal keeps the session");
    }

    [Test]
    public async Task A_421_storm_shrinks_the_pool_and_every_message_is_delivered_once()
    {
        _server.Faults.ServiceNotAvailable("MAIL", times: 3);
        var options = Options(_server, _log);
        options.ServiceUnavailableBackoff = TimeSpan.FromSeconds(1);
        await using var sender = new SmtpSender(options);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => sender.SendAsync(Message(i)))).WaitAsync(Timeouts.Wait);

        Assert.That(Subjects(_server), Has.Count.EqualTo(8).And.Unique);
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderAttempt), Is.EqualTo(8 + 3), "one extra attempt per 421, no hot loop");
        var shrinks = _log.Messages(NetCommEventIds.SmtpSenderPoolShrunk).ToList();
        // Concurrent 421s log in any order; the first to shrink the pool of 4 leaves 3.
        Assert.That(shrinks, Has.Some.Contains("at most 3 session(s)"));
        Assert.That(shrinks, Has.None.Contains("at most 0 session(s)"));
    }

    [Test]
    public void A_421_storm_that_never_ends_fails_cleanly_after_the_last_attempt()
    {
        _server.Faults.ServiceNotAvailable("MAIL");
        var options = Options(_server, _log);
        options.MaxAttempts = 3;
        using var sender = new SmtpSender(options);

        var refusal = Assert.Throws<SmtpCommandException>(() => sender.Send(Message(1)))!;

        Assert.That(refusal.StatusCode, Is.EqualTo(421));
        Assert.That(refusal.IsTransient, Is.True);
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderAttempt), Is.EqualTo(3));
        Assert.That(_log.Messages(NetCommEventIds.SmtpSenderFailed).Single(), Does.Contain("attempts exhausted"));
        Assert.That(_server.Messages, Is.Empty);
        Assert.That(sender.SessionsOpen, Is.Zero);
    }

    [Test]
    public void A_refused_login_is_final_and_names_the_server_reply()
    {
        var options = Options(_server, _log);
        options.Credentials = new MailCredentials("alice", "wrong");
        using var sender = new SmtpSender(options);

        Assert.That(() => sender.Send(Message(1)), Throws.TypeOf<MailAuthenticationException>());
        Assert.That(_log.Count(NetCommEventIds.SmtpAuthenticationFailed), Is.EqualTo(1), "one login, no retry");
        Assert.That(sender.SessionsOpen, Is.Zero);
    }

    [Test]
    public void Attempts_are_counted_and_linked_under_one_span_per_message()
    {
        var measurements = new List<(string Name, long Value)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NetCommTelemetry.MeterName && instrument.Name.StartsWith("netcomm.smtp.sender.", StringComparison.Ordinal))
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
        meters.Start();
        var spans = new List<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == NetCommTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(activities);
        _server.Faults.TemporaryFailure("MAIL", times: 1);

        using (var sender = new SmtpSender(Options(_server, _log)))
        {
            sender.Send(Message(1));
        }

        long Sum(string name)
        {
            lock (measurements)
            {
                return measurements.Where(m => m.Name == name).Sum(m => m.Value);
            }
        }

        Assert.That(Sum("netcomm.smtp.sender.sent"), Is.EqualTo(1));
        Assert.That(Sum("netcomm.smtp.sender.retries"), Is.EqualTo(1));
        Assert.That(Sum("netcomm.smtp.sender.failures"), Is.Zero);
        Assert.That(Sum("netcomm.smtp.sender.sessions_open"), Is.Zero, "every session opened was closed");
        Assert.That(Sum("netcomm.smtp.sender.queue_length"), Is.Zero, "the queue is empty again");
        Activity[] stopped;
        lock (spans)
        {
            stopped = spans.ToArray();
        }

        var message = stopped.Single(a => a.OperationName == "smtp.sender.send");
        Assert.That(message.Events.Select(e => e.Tags.First(t => t.Key == "outcome").Value), Is.EqualTo(new object[] { "retry", "delivered" }));
        Assert.That(stopped.Count(a => a.OperationName == "smtp.send" && a.ParentSpanId == message.SpanId), Is.EqualTo(2), "both attempts are children of the message's span");
    }
}
