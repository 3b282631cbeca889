using Microsoft.Extensions.Logging;
using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Testing;

namespace NetComm.Tests.Smtp;

/// <summary>What the SmtpSender tests share: a server with a user, sender options trusting it, numbered messages.</summary>
internal static class SenderSupport
{
    public static TestMailServer Server() => TestMailServer.Launch(o => o.AddUser("alice", "secret", "alice@example.test"));

    /// <summary>STARTTLS (required) with the server's certificate pinned, a login, and short retry delays.</summary>
    public static SmtpSenderOptions Options(TestMailServer server, ILogger? logger = null) => new()
    {
        Client = new SmtpClientOptions { Host = server.Host, Port = server.SmtpPort, Tls = { TrustedRoots = { server.Certificate } }, Logger = logger },
        Credentials = new MailCredentials("alice", "secret"),
        RetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    public static MimeMessage Message(int number)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("app@example.test"));
        message.To.Add(MailboxAddress.Parse("alice@example.test"));
        message.Subject = $"message {number}";
        message.MessageId = $"m{number}.{Guid.NewGuid():N}@example.test";
        message.Body = new TextPart("plain") { Text = $"body of message {number}" };
        return message;
    }

    /// <summary>Subjects of the stored messages, to check "each exactly once".</summary>
    public static List<string> Subjects(TestMailServer server) => server.Messages.Select(m => m.Message.Subject ?? "").ToList();
}

/// <summary>An ILogger that keeps every event and lets a test wait for one by id (no sleeping).</summary>
internal sealed class EventLog : ILogger
{
    private readonly List<(int Id, string Message)> _events = [];
    private readonly List<(int Id, TaskCompletionSource<string> Done)> _waiters = [];

    public IReadOnlyList<(int Id, string Message)> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    public int Count(int id) => Events.Count(e => e.Id == id);

    public IEnumerable<string> Messages(int id) => Events.Where(e => e.Id == id).Select(e => e.Message);

    /// <summary>The message of the first event with <paramref name="id"/>, logged already or within the timeout.</summary>
    public string WaitFor(int id, TimeSpan timeout)
    {
        TaskCompletionSource<string> done;
        lock (_events)
        {
            if (_events.FirstOrDefault(e => e.Id == id) is { Message: not null } seen)
            {
                return seen.Message;
            }

            done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((id, done));
        }

        Assert.That(done.Task.Wait(timeout), Is.True, $"event {id} was not logged within {timeout}");
        return done.Task.Result;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        lock (_events)
        {
            _events.Add((eventId.Id, message));
            foreach (var waiter in _waiters.Where(w => w.Id == eventId.Id).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult(message);
            }
        }
    }
}
