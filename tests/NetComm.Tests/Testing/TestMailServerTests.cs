using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NetComm.Testing;
using NetComm.Testing.Internal;
using NetComm.Tests.Support;

namespace NetComm.Tests.Testing;

/// <summary>Lifecycle, waiting, mailboxes, limits and logging of the test server.</summary>
[TestFixture]
public class TestMailServerTests
{
    [Test]
    public void Starts_on_four_distinct_ephemeral_ports_and_stops_quickly()
    {
        var watch = Stopwatch.StartNew();
        var server = TestMailServer.Launch();
        var ports = new[] { server.SmtpPort, server.SmtpsPort, server.Pop3Port, server.Pop3sPort };
        Assert.That(ports, Is.Unique.And.All.GreaterThan(0));
        Assert.That(server.IsRunning, Is.True);
        var started = watch.Elapsed;
        Assert.That(server.Stop(Timeouts.Wait), Is.True);
        Assert.That(server.IsRunning, Is.False);
        TestContext.Out.WriteLine($"start {started.TotalMilliseconds:0.0} ms, start+stop {watch.Elapsed.TotalMilliseconds:0.0} ms");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.Throws<SocketException>(() =>
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(server.Address, ports[0]);
        });
    }

    [Test]
    public void A_second_server_starts_in_milliseconds()
    {
        TestMailServer.Launch().Dispose();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            TestMailServer.Launch().Dispose();
        }

        TestContext.Out.WriteLine($"10 start/stop cycles: {watch.Elapsed.TotalMilliseconds:0.0} ms");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void Ports_are_unavailable_before_start_and_start_is_once_only()
    {
        using var server = new TestMailServer();
        Assert.Throws<InvalidOperationException>(() => _ = server.SmtpPort);
        server.Start();
        Assert.Throws<InvalidOperationException>(server.Start);
    }

    [Test]
    public async Task Stopping_cuts_live_sessions()
    {
        var server = TestMailServer.Launch();
        using var client = RawClient.Connect(server.SmtpPort);
        client.ReadReply();
        Assert.That(await server.StopAsync(Timeouts.Wait), Is.True);
        Assert.That(client.WaitForClose(), Is.True);
    }

    [Test]
    public void Wait_for_messages_times_out_with_a_clear_message()
    {
        using var server = TestMailServer.Launch();
        var error = Assert.ThrowsAsync<TimeoutException>(() => server.WaitForMessagesAsync(1, TimeSpan.FromMilliseconds(100)));
        Assert.That(error!.Message, Does.Contain("Expected 1 message(s) within 0.1 s, but 0 arrived"));
        Assert.Throws<TimeoutException>(() => server.WaitForMessages(1, TimeSpan.FromMilliseconds(50)));
        Assert.That(server.WaitForMessages(0, TimeSpan.Zero), Is.Empty);
    }

    [Test]
    public async Task Wait_for_messages_wakes_when_mail_arrives_and_honours_cancellation()
    {
        using var server = TestMailServer.Launch();
        var waiting = server.WaitForMessagesAsync(1, Timeouts.Wait);
        Assert.That(waiting.IsCompleted, Is.False);
        using (var client = RawClient.Connect(server.SmtpPort))
        {
            client.ReadReply();
            client.Ask("HELO c");
            client.Ask("MAIL FROM:<>");
            client.Ask("RCPT TO:<x@example.com>");
            client.Ask("DATA");
            client.Send("Subject: s\r\n\r\n.\r\n");
            client.ReadReply();
        }

        var messages = await waiting;
        Assert.That(messages.Single().Envelope.From, Is.Empty, "the null sender");
        using var cancel = new CancellationTokenSource();
        var pending = server.WaitForMessagesAsync(2, Timeouts.Wait, cancel.Token);
        await cancel.CancelAsync();
        Assert.That(() => pending, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Mailboxes_can_be_seeded_cleared_and_only_exist_for_users()
    {
        using var server = TestMailServer.Launch(o => o.AddUser("alice", "a", "alice@one.example", "al@two.example"));
        var message = new MimeKit.MimeMessage();
        message.From.Add(MimeKit.MailboxAddress.Parse("x@example.com"));
        message.Subject = "seeded";
        message.Body = new MimeKit.TextPart("plain") { Text = "hi" };
        var added = server.Mailbox("alice").Add(message);
        Assert.That(added.Message.Subject, Is.EqualTo("seeded"));
        Assert.That(server.Mailbox("alice").Messages, Is.EqualTo(new[] { added }));
        Assert.Throws<ArgumentException>(() => server.Mailbox("nobody"));
        server.Clear();
        Assert.That(server.Mailbox("alice").Count, Is.Zero);
        Assert.That(new TestMailUser("alice", "a").Receives("ALICE@anything.example"), Is.True);
        Assert.That(new TestMailUser("alice", "a", "al@two.example").Receives("alice@two.example"), Is.False);
    }

    [Test]
    public void The_certificate_callback_trusts_exactly_the_server_certificate()
    {
        using var server = TestMailServer.Launch();
        using var other = ServerCertificate.Create("localhost");
        var callback = server.CertificateValidationCallback;
        Assert.That(callback(this, server.Certificate, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors), Is.True);
        Assert.That(callback(this, other, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors), Is.False);
        Assert.That(callback(this, server.Certificate, null, System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch), Is.False);
        Assert.That(server.CertificatePem, Does.StartWith("-----BEGIN CERTIFICATE-----"));
        Assert.That(server.Certificate.HasPrivateKey, Is.True);
    }

    [Test]
    public void Connection_cap_refuses_the_extra_client()
    {
        using var server = TestMailServer.Launch(o => o.MaxConnections = 1);
        using var first = RawClient.Connect(server.SmtpPort);
        first.ReadReply();
        using var second = RawClient.Connect(server.SmtpPort);
        Assert.That(second.ReadReply(), Does.StartWith("421 4.3.2 "));
        Assert.That(second.WaitForClose(), Is.True);
        Assert.That(first.Ask("NOOP"), Does.StartWith("250"));
    }

    [Test]
    public void A_silent_client_is_dropped_after_the_read_timeout()
    {
        using var server = TestMailServer.Launch(o => o.ReadTimeout = TimeSpan.FromMilliseconds(300));
        using var client = RawClient.Connect(server.SmtpPort);
        client.ReadReply();
        var watch = Stopwatch.StartNew();
        Assert.That(client.WaitForClose(), Is.True);
        Assert.That(watch.Elapsed, Is.LessThan(Timeouts.Wait));
    }

    [Test]
    public void Logs_with_event_ids_in_the_4000_range_and_redacts_credentials()
    {
        var logger = new ListLogger();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logger));
        using (var server = TestMailServer.Launch(o =>
        {
            o.LoggerFactory = factory;
            o.RequireTlsForAuth = false;
            o.AddUser("alice", "hunter2");
        }))
        {
            using var client = RawClient.Connect(server.SmtpPort);
            client.ReadReply();
            client.Ask("EHLO c");
            client.Ask("AUTH PLAIN " + Convert.ToBase64String("\0alice\0hunter2"u8));
            client.Ask("QUIT");
            client.WaitForClose();
        }

        var events = logger.Entries;
        Assert.That(events.Select(e => e.Id), Does.Contain(TestMailServerEventIds.ServerStarted).And.Contain(TestMailServerEventIds.Authenticated).And.Contain(TestMailServerEventIds.CommandReceived));
        Assert.That(events.Where(e => e.Category.StartsWith("NetComm.Testing.TestMailServer", StringComparison.Ordinal)).Select(e => e.Id), Is.All.InRange(4000, 4099));
        var base64 = Convert.ToBase64String("\0alice\0hunter2"u8);
        Assert.That(events.Select(e => e.Message), Has.None.Contains(base64).And.None.Contains("hunter2"));
        Assert.That(events.Select(e => e.Message), Has.Some.Contains("AUTH PLAIN ********"));
    }

    private sealed class ListLogger : ILoggerProvider
    {
        private readonly List<(string Category, int Id, string Message)> _entries = [];

        public IReadOnlyList<(string Category, int Id, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return _entries.ToArray();
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ListLogger owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner._entries)
                {
                    owner._entries.Add((category, eventId.Id, formatter(state, exception)));
                }
            }
        }
    }
}
