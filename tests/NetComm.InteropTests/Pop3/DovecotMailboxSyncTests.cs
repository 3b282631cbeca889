using System.Collections.Concurrent;
using System.Security.Cryptography;
using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Shared;

namespace NetComm.InteropTests.Pop3;

/// <summary>
/// Pop3Mailbox against the real Dovecot (bob's three messages, rebuilt around each test): ids and content as the
/// manifest says, the second sync's round trips, deletion with QUIT, and no deletion when the sync fails or is cancelled.
/// </summary>
[TestFixture]
[NonParallelizable]
public class DovecotMailboxSyncTests
{
    private string _directory = null!;

    private string StorePath => Path.Combine(_directory, "bob.uids");

    [SetUp]
    public void SetUp()
    {
        DovecotEnvironment.ResetMail("bob");
        _directory = Directory.CreateTempSubdirectory("netcomm-dovecot-sync-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        DovecotEnvironment.ResetMail("bob");
        Directory.Delete(_directory, recursive: true);
    }

    private Pop3Mailbox Bob(RoundTripCounter transcript, Pop3SyncDeletion deletion = Pop3SyncDeletion.LeaveOnServer, IUidStore? store = null)
        => new(
            DovecotEnvironment.Options(TlsMode.StartTlsRequired, o => o.Transcript = transcript),
            DovecotEnvironment.Credentials("bob"),
            store ?? new FileUidStore(StorePath),
            new Pop3SyncOptions { Deletion = deletion });

    private static async Task<int> CountOnServer()
    {
        await using var client = new Pop3Client(DovecotEnvironment.Options(TlsMode.StartTlsRequired));
        await client.ConnectAsync();
        await client.AuthenticateAsync(DovecotEnvironment.Credentials("bob"));
        var count = (await client.StatAsync()).Count;
        await client.CommitAsync();
        return count;
    }

    [Test]
    public async Task Every_message_is_handed_over_once_byte_for_byte_and_the_second_sync_finds_nothing_new([Values] bool sync)
    {
        var manifest = DovecotEnvironment.Manifest("bob");
        var seen = new ConcurrentQueue<(string Uid, int Number, long Size, string Sha256)>();
        var mailbox = Bob(new RoundTripCounter());
        void Take(Pop3SyncMessage m, byte[] content) => seen.Enqueue((m.Uid, m.Number, m.Size, Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant()));

        var first = sync
            ? mailbox.Sync(m =>
            {
                using var copy = new MemoryStream();
                m.Content.CopyTo(copy);
                Take(m, copy.ToArray());
            })
            : await mailbox.SyncAsync(async (m, ct) =>
            {
                using var copy = new MemoryStream();
                await m.Content.CopyToAsync(copy, ct);
                Take(m, copy.ToArray());
            });

        Assert.That(seen, Is.EqualTo(manifest.Select(e => (e.Uid, e.Number, e.Octets, e.Sha256))));
        Assert.That(first.Handled, Is.EqualTo(manifest.Select(e => e.Uid)));
        var second = sync ? mailbox.Sync(_ => Assert.Fail("nothing is new")) : await mailbox.SyncAsync((_, _) => throw new AssertionException("nothing is new"));
        Assert.That((second.New, second.AlreadySeen, second.Failures.Count), Is.EqualTo((0, 3, 0)));
        Assert.That(await CountOnServer(), Is.EqualTo(3), "left on the server");
    }

    [Test]
    public async Task A_second_sync_with_one_new_message_takes_three_round_trips_after_login()
    {
        var manifest = DovecotEnvironment.Manifest("bob");
        using (var session = new FileUidStore(StorePath).Open())
        {
            session.Record(manifest[0].Uid, DateTimeOffset.UtcNow);
            session.Record(manifest[2].Uid, DateTimeOffset.UtcNow);
        }

        var transcript = new RoundTripCounter();
        var result = await Bob(transcript).SyncAsync((_, _) => ValueTask.CompletedTask);

        Assert.That(result.Handled, Is.EqualTo(new[] { manifest[1].Uid }));
        Assert.That(transcript.Sent("RETR"), Is.EqualTo(1));
        Assert.That(transcript.CountFrom("STAT"), Is.EqualTo(3), "STAT+LIST+UIDL, RETR, QUIT:\n" + string.Join("\n", transcript.Lines));
    }

    [Test]
    public async Task After_handled_deletes_them_with_quit_and_forgets_their_ids()
    {
        var result = await Bob(new RoundTripCounter(), Pop3SyncDeletion.AfterHandled).SyncAsync((_, _) => ValueTask.CompletedTask);

        Assert.That((result.New, result.Deleted, result.Pruned), Is.EqualTo((3, 3, 3)));
        Assert.That(await CountOnServer(), Is.Zero);
        using var session = new FileUidStore(StorePath).Open();
        Assert.That(session.Seen, Is.Empty);
    }

    [Test]
    public async Task A_cancelled_sync_deletes_nothing_and_the_next_one_carries_on_from_the_last_record()
    {
        var manifest = DovecotEnvironment.Manifest("bob");
        using var cancel = new CancellationTokenSource();
        var transcript = new RoundTripCounter();

        Assert.That(
            async () => await Bob(transcript, Pop3SyncDeletion.AfterHandled).SyncAsync((m, _) =>
            {
                if (m.Number == 2)
                {
                    cancel.Cancel();
                }

                return ValueTask.CompletedTask;
            }, cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());

        Assert.That(transcript.Sent("QUIT"), Is.Zero);
        Assert.That(await CountOnServer(), Is.EqualTo(3), "no QUIT, nothing deleted");
        var next = await Bob(new RoundTripCounter(), Pop3SyncDeletion.AfterHandled).SyncAsync((_, _) => ValueTask.CompletedTask);
        Assert.That(next.Handled, Is.EqualTo(new[] { manifest[2].Uid }), "1 and 2 were recorded before the cancellation");
        Assert.That(next.Deleted, Is.EqualTo(3), "the ones recorded by the cancelled sync are deleted now");
        Assert.That(await CountOnServer(), Is.Zero);
    }

    [Test]
    public async Task A_store_that_cannot_record_leaves_dovecots_maildrop_untouched()
    {
        var transcript = new RoundTripCounter();
        var store = new RefusingStore(new FileUidStore(StorePath));

        Assert.That(
            async () => await Bob(transcript, Pop3SyncDeletion.AfterHandled, store).SyncAsync((_, _) => ValueTask.CompletedTask),
            Throws.TypeOf<IOException>().With.Message.EqualTo("disk full"));

        Assert.That(transcript.Sent("DELE") + transcript.Sent("QUIT"), Is.Zero);
        Assert.That(await CountOnServer(), Is.EqualTo(3));
    }

    /// <summary>A store that refuses every record, as a full disk would.</summary>
    private sealed class RefusingStore(IUidStore inner) : IUidStore
    {
        public IUidStoreSession Open() => new Session(inner.Open());

        private sealed class Session(IUidStoreSession inner) : IUidStoreSession
        {
            public IReadOnlyDictionary<string, DateTimeOffset> Seen => inner.Seen;

            public void Record(string uid, DateTimeOffset firstSeen) => throw new IOException("disk full");

            public void Retain(IReadOnlyCollection<string> uids) => inner.Retain(uids);

            public void Dispose() => inner.Dispose();
        }
    }
}
