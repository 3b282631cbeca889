using NetComm.Diagnostics;
using NetComm.Smtp;
using NetComm.Testing;
using NetComm.Tests.Support;
using static NetComm.Tests.Smtp.SenderSupport;

namespace NetComm.Tests.Smtp;

/// <summary>SmtpSender's pool against the in-process server: concurrency, rotation, idle close, disposal, back-pressure.</summary>
[TestFixture]
[NonParallelizable]
public class SmtpSenderTests
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
    public void Sixteen_threads_sharing_one_sender_deliver_every_message_exactly_once()
    {
        const int Threads = 16, PerThread = 25;
        var failures = new List<Exception>();
        var options = Options(_server, _log);
        options.MaxMessagesPerSession = 1000;   // no rotation: every connection the server saw was one of the pool's
        using (var sender = new SmtpSender(options))
        {
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                try
                {
                    for (var i = 0; i < PerThread; i++)
                    {
                        var result = sender.Send(Message((t * PerThread) + i));
                        Assert.That(result.QueueId, Is.Not.Null);
                    }
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e);
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => Assert.That(t.Join(Timeouts.Wait), Is.True));
            Assert.That(sender.SessionsOpen, Is.InRange(1, 4));
        }

        Assert.That(failures, Is.Empty);
        var subjects = Subjects(_server);
        Assert.That(subjects, Has.Count.EqualTo(Threads * PerThread));
        Assert.That(subjects, Is.Unique);
        Assert.That(_server.Messages.Select(m => m.Session.ConnectionId).Distinct().Count(), Is.InRange(1, 4), "never more sessions than MaxSessions (4)");
        Assert.That(_server.Messages.All(m => m.Session.IsTls && m.Session.AuthenticatedUser == "alice"), Is.True);
        Assert.That(_server.ProtocolViolations, Is.Empty);
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderRetrying), Is.Zero);
    }

    [Test]
    public async Task Sixteen_async_callers_deliver_every_message_exactly_once()
    {
        await using (var sender = new SmtpSender(Options(_server, _log)))
        {
            var sends = Enumerable.Range(0, 16).Select(t => Task.Run(async () =>
            {
                for (var i = 0; i < 25; i++)
                {
                    await sender.SendAsync(Message((t * 25) + i));
                }
            }));
            await Task.WhenAll(sends).WaitAsync(Timeouts.Wait);
        }

        Assert.That(Subjects(_server), Has.Count.EqualTo(400).And.Unique);
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    [Test]
    public void Sessions_rotate_before_the_servers_per_connection_limit()
    {
        _server.Faults.LimitMessagesPerConnection(5);
        var options = Options(_server, _log);
        options.MaxSessions = 1;
        options.MaxMessagesPerSession = 5;
        using (var sender = new SmtpSender(options))
        {
            for (var i = 0; i < 20; i++)
            {
                sender.Send(Message(i));
            }
        }

        Assert.That(Subjects(_server), Has.Count.EqualTo(20).And.Unique);
        var perConnection = _server.Messages.GroupBy(m => m.Session.ConnectionId).Select(g => g.Count()).ToList();
        Assert.That(perConnection, Is.EqualTo(new[] { 5, 5, 5, 5 }));
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderRetrying), Is.Zero, "rotation comes before the server's 421");
        Assert.That(_log.Messages(NetCommEventIds.SmtpSenderSessionClosed).Count(m => m.Contains("limit of 5", StringComparison.Ordinal)), Is.EqualTo(4));
    }

    [Test]
    public void A_per_connection_limit_reached_anyway_costs_a_retry_never_a_message()
    {
        _server.Faults.LimitMessagesPerConnection(5);
        var options = Options(_server, _log);
        options.MaxSessions = 1;
        using (var sender = new SmtpSender(options))
        {
            for (var i = 0; i < 12; i++)
            {
                sender.Send(Message(i));
            }
        }

        Assert.That(Subjects(_server), Has.Count.EqualTo(12).And.Unique);
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderRetrying), Is.EqualTo(2));
        Assert.That(_log.Messages(NetCommEventIds.SmtpSenderRetrying), Has.All.Contains("421"));
    }

    [Test]
    public void An_idle_session_is_closed_with_quit()
    {
        var options = Options(_server, _log);
        options.SessionIdleTimeout = TimeSpan.FromMilliseconds(200);
        using var sender = new SmtpSender(options);
        sender.Send(Message(1));

        var closed = _log.WaitFor(NetCommEventIds.SmtpSenderSessionClosed, Timeouts.Wait);

        Assert.That(closed, Does.Contain("idle for 0.2 s").And.Not.Contain("QUIT failed"));
        Assert.That(sender.SessionsOpen, Is.Zero);
        Assert.That(_log.Count(NetCommEventIds.SmtpDisconnected), Is.EqualTo(1));
        sender.Send(Message(2));
        Assert.That(_server.Messages.Select(m => m.Session.ConnectionId).Distinct().Count(), Is.EqualTo(2), "a new session after the idle one closed");
    }

    [Test]
    public async Task Disposal_waits_for_the_messages_in_flight_then_says_quit()
    {
        _server.Faults.SlowReplies(TimeSpan.FromMilliseconds(50));
        var sender = new SmtpSender(Options(_server, _log));
        var sends = Enumerable.Range(0, 8).Select(i => sender.SendAsync(Message(i))).ToList();

        await sender.DisposeAsync().AsTask().WaitAsync(Timeouts.Wait);

        Assert.That(sends.All(s => s.IsCompletedSuccessfully), Is.True, "disposal returned before the sends it drained");
        Assert.That(Subjects(_server), Has.Count.EqualTo(8).And.Unique);
        Assert.That(sender.SessionsOpen, Is.Zero);
        Assert.That(_log.Messages(NetCommEventIds.SmtpSenderSessionClosed), Has.All.Contains("the sender was disposed").And.All.Not.Contains("QUIT failed"));
        Assert.ThrowsAsync<ObjectDisposedException>(() => sender.SendAsync(Message(9)));
        Assert.Throws<ObjectDisposedException>(() => sender.Send(Message(10)));
    }

    [Test]
    public void Disposal_cancels_what_is_left_after_its_deadline()
    {
        _server.Faults.SlowReplies(TimeSpan.FromSeconds(2));
        var options = Options(_server, _log);
        options.DrainTimeout = TimeSpan.FromMilliseconds(100);
        var sender = new SmtpSender(options);
        var send = sender.SendAsync(Message(1));

        sender.Dispose();

        Assert.That(() => send.Wait(Timeouts.Wait), Throws.InstanceOf<AggregateException>().With.InnerException.TypeOf<ObjectDisposedException>());
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderDrainTimedOut), Is.EqualTo(1));
        Assert.That(sender.SessionsOpen, Is.Zero);
    }

    [Test]
    public async Task A_full_queue_makes_callers_wait_and_their_cancellation_frees_them()
    {
        _server.Faults.SlowReplies(TimeSpan.FromMilliseconds(300));
        var options = Options(_server, _log);
        options.MaxSessions = 1;
        options.QueueLimit = 1;
        await using var sender = new SmtpSender(options);
        var first = sender.SendAsync(Message(1));
        using var cancel = new CancellationTokenSource();
        var second = sender.SendAsync(Message(2), cancel.Token);

        Assert.That(second.IsCompleted, Is.False, "the second caller waits for room");
        Assert.That(sender.MessagesPending, Is.EqualTo(2));
        await cancel.CancelAsync();

        Assert.That(async () => await second.WaitAsync(Timeouts.Wait), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(first.IsCompleted, Is.False, "the waiting caller left before the first message was done");
        await first.WaitAsync(Timeouts.Wait);
        await sender.SendAsync(Message(3)).WaitAsync(Timeouts.Wait);
        Assert.That(Subjects(_server), Is.EqualTo(new[] { "message 1", "message 3" }));
    }

    [TestCase(nameof(SmtpSenderOptions.MaxSessions))]
    [TestCase(nameof(SmtpSenderOptions.QueueLimit))]
    [TestCase(nameof(SmtpSenderOptions.RetryDelay))]
    [TestCase(nameof(SmtpSenderOptions.MaxAttempts))]
    [TestCase("Client.Host")]
    public void Options_that_cannot_work_are_refused_naming_the_setting(string setting)
    {
        var options = Options(_server);
        switch (setting)
        {
            case nameof(SmtpSenderOptions.MaxSessions): options.MaxSessions = 0; break;
            case nameof(SmtpSenderOptions.QueueLimit): options.QueueLimit = options.MaxSessions - 1; break;
            case nameof(SmtpSenderOptions.RetryDelay): options.RetryDelay = TimeSpan.Zero; break;
            case nameof(SmtpSenderOptions.MaxAttempts): options.MaxAttempts = -1; break;
            default: options.Client.Host = ""; break;
        }

        var expected = setting == "Client.Host" ? "SmtpClientOptions.Host" : "SmtpSenderOptions." + setting;
        Assert.That(() => new SmtpSender(options), Throws.InvalidOperationException.With.Message.Contains(expected));
    }

    [Test]
    public void A_message_without_recipients_is_refused_before_it_is_queued()
    {
        using var sender = new SmtpSender(Options(_server, _log));
        var message = Message(1);
        message.To.Clear();

        Assert.That(() => sender.Send(message), Throws.InvalidOperationException);
        Assert.That(sender.SessionsOpen, Is.Zero);
        Assert.That(_log.Count(NetCommEventIds.SmtpSenderAttempt), Is.Zero);
    }
}
