using System.Collections.Concurrent;
using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Shared;
using NetComm.Testing;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;

namespace NetComm.Tests.Pop3.Sync;

/// <summary>
/// A TestMailServer with alice's maildrop, a store in a fresh temporary directory, and a mailbox over both (STLS with
/// the server's certificate trusted). Records which ids each sync's handler accepted, in order.
/// </summary>
internal sealed class SyncFixture : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netcomm-sync-").FullName;

    public SyncFixture(int messages = 0)
    {
        Server = TestMailServer.Launch(o => o.AddUser("alice", "secret", "alice@example.test"));
        for (var i = 1; i <= messages; i++)
        {
            Add(i);
        }
    }

    public TestMailServer Server { get; }

    public TestMailbox Maildrop => Server.Mailbox("alice");

    public string StorePath => Path.Combine(_directory, "alice.uids");

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    /// <summary>The ids handlers accepted, across every sync of this fixture, in order (duplicates kept).</summary>
    public ConcurrentQueue<string> Delivered { get; } = new();

    /// <summary>The transcript of the last mailbox made, from its last sync on.</summary>
    public RoundTripCounter Transcript { get; private set; } = new();

    public MailboxMessage Add(int i) => Maildrop.Add($"From: sender@example.test\r\nTo: alice@example.test\r\nSubject: message {i}\r\n\r\nbody {i}\r\n");

    public Pop3ClientOptions ClientOptions()
    {
        Transcript = new RoundTripCounter();
        var options = new Pop3ClientOptions
        {
            Host = Server.Host,
            Port = Server.Pop3Port,
            TlsMode = TlsMode.StartTlsRequired,
            CommandTimeout = Timeouts.Wait,
            GreetingTimeout = Timeouts.Wait,
            ConnectTimeout = Timeouts.Wait,
            Transcript = Transcript,
        };
        options.Tls.TrustedRoots.Add(Server.Certificate);
        return options;
    }

    public Pop3Mailbox Mailbox(Pop3SyncOptions? sync = null, IUidStore? store = null, string password = "secret")
    {
        sync ??= new Pop3SyncOptions();
        sync.TimeProvider = Clock;
        return new Pop3Mailbox(ClientOptions(), new MailCredentials("alice", password), store ?? new FileUidStore(StorePath), sync);
    }

    /// <summary>One sync whose handler reads the whole message, checks it is the one its id names, and records the id.</summary>
    public Task<Pop3SyncResult> Sync(IoMode mode, IPop3Mailbox mailbox, Action<Pop3SyncMessage>? also = null, CancellationToken cancellationToken = default)
    {
        Transcript.Clear();
        return Io.Call(
            mode,
            () => mailbox.Sync(m => Accept(m, also), cancellationToken),
            () => mailbox.SyncAsync(async (m, t) =>
            {
                using var copy = new MemoryStream();
                await m.Content.CopyToAsync(copy, t);
                Accept(m with { Content = new MemoryStream(copy.ToArray()) }, also);
            }, cancellationToken));
    }

    /// <summary>The ids of the store as it is on disk now.</summary>
    public IReadOnlyCollection<string> Stored()
    {
        using var session = new FileUidStore(StorePath).Open();
        return session.Seen.Keys.ToArray();
    }

    public void Dispose()
    {
        Server.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Accept(Pop3SyncMessage message, Action<Pop3SyncMessage>? also)
    {
        var content = new StreamReader(message.Content).ReadToEnd();
        var expected = Maildrop.Messages.Single(m => m.Uid == message.Uid);
        Assert.That(content, Is.EqualTo(System.Text.Encoding.UTF8.GetString(expected.Data.Span)), "the content is the message the id names");
        Assert.That(message.Size, Is.EqualTo(expected.Size));
        also?.Invoke(message);
        Delivered.Enqueue(message.Uid);
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
