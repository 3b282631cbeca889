using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Shared;
using NetComm.Tests.Pop3.Fixtures;

namespace NetComm.Tests.Pop3.Sync;

/// <summary>Pop3Mailbox against the in-process TestMailServer (real sockets, STLS): every rule of docs/pop3.md "Syncing a mailbox", sync and async.</summary>
[TestFixture]
public class Pop3MailboxTests
{
    [Test]
    public async Task The_first_sync_hands_over_every_message_once_and_leaves_them_on_the_server([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 3);
        var uids = fixture.Maildrop.Messages.Select(m => m.Uid).ToArray();

        var result = await fixture.Sync(mode, fixture.Mailbox());

        Assert.That(result.Handled, Is.EqualTo(uids), "in message order");
        Assert.That(result.New, Is.EqualTo(3));
        Assert.That((result.AlreadySeen, result.Deleted, result.Pruned, result.Failures.Count), Is.EqualTo((0, 0, 0, 0)));
        Assert.That(fixture.Delivered, Is.EqualTo(uids));
        Assert.That(fixture.Stored(), Is.EquivalentTo(uids));
        Assert.That(fixture.Maildrop.Count, Is.EqualTo(3), "left on the server by default");
        Assert.That(fixture.Transcript.Sent("DELE"), Is.Zero);
        Assert.That(fixture.Transcript.Sent("QUIT"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_second_sync_hands_over_only_the_new_messages_in_three_round_trips_after_login([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 40);
        var mailbox = fixture.Mailbox();
        await fixture.Sync(mode, mailbox);
        var fresh = Enumerable.Range(41, 5).Select(i => fixture.Add(i).Uid).ToArray();

        var result = await fixture.Sync(mode, mailbox);

        Assert.That(result.Handled, Is.EqualTo(fresh));
        Assert.That(result.AlreadySeen, Is.EqualTo(40));
        Assert.That(fixture.Delivered.Skip(40), Is.EqualTo(fresh));
        Assert.That(fixture.Transcript.Sent("RETR"), Is.EqualTo(5), "only the new ones are retrieved");

        // STAT + LIST + UIDL pipelined, the five RETRs pipelined, QUIT.
        Assert.That(fixture.Transcript.CountFrom("STAT"), Is.EqualTo(3), string.Join("\n", fixture.Transcript.Lines));
    }

    [Test]
    public async Task A_sync_with_nothing_new_retrieves_nothing([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 2);
        var mailbox = fixture.Mailbox();
        await fixture.Sync(mode, mailbox);

        var result = await fixture.Sync(mode, mailbox);

        Assert.That((result.New, result.AlreadySeen), Is.EqualTo((0, 2)));
        Assert.That(fixture.Transcript.Sent("RETR"), Is.Zero);
        Assert.That(fixture.Transcript.CountFrom("STAT"), Is.EqualTo(2), "the listing and QUIT");
    }

    [Test]
    public async Task Delete_after_handled_deletes_with_quit_and_prunes_the_store([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 3);
        var mailbox = fixture.Mailbox(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled });

        var result = await fixture.Sync(mode, mailbox);

        Assert.That((result.New, result.Deleted, result.Pruned), Is.EqualTo((3, 3, 3)));
        Assert.That(fixture.Maildrop.Count, Is.Zero);
        Assert.That(fixture.Stored(), Is.Empty, "ids of deleted messages are forgotten once QUIT succeeded");
        var again = await fixture.Sync(mode, mailbox);
        Assert.That((again.New, again.AlreadySeen), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task Delete_after_age_counts_from_when_the_store_first_saw_the_message([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 2);
        var mailbox = fixture.Mailbox(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterAge, DeleteAfter = TimeSpan.FromDays(10) });
        var old = fixture.Maildrop.Messages.Select(m => m.Uid).ToArray();
        Assert.That((await fixture.Sync(mode, mailbox)).Deleted, Is.Zero);

        fixture.Clock.Now += TimeSpan.FromDays(9);
        var young = fixture.Add(3).Uid;
        Assert.That((await fixture.Sync(mode, mailbox)).Deleted, Is.Zero, "nine days: nothing is old enough");

        fixture.Clock.Now += TimeSpan.FromDays(1);
        var result = await fixture.Sync(mode, mailbox);

        Assert.That(result.Deleted, Is.EqualTo(2));
        Assert.That(fixture.Maildrop.Messages.Select(m => m.Uid), Is.EqualTo(new[] { young }));
        Assert.That(fixture.Stored(), Is.EqualTo(new[] { young }));
        Assert.That(fixture.Delivered, Is.EqualTo(old.Append(young)), "each handed over once");
    }

    [Test]
    public async Task A_handler_failure_fails_that_message_only_and_it_comes_again_next_sync([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 3);
        var uids = fixture.Maildrop.Messages.Select(m => m.Uid).ToArray();
        var mailbox = fixture.Mailbox(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled });

        var result = await fixture.Sync(mode, mailbox, m =>
        {
            if (m.Number == 2)
            {
                throw new IOException("the handler's disk is full");
            }
        });

        Assert.That(result.Handled, Is.EqualTo(new[] { uids[0], uids[2] }));
        Assert.That(result.Failures.Single().Uid, Is.EqualTo(uids[1]));
        Assert.That(result.Failures.Single().Error, Is.TypeOf<IOException>().With.Message.EqualTo("the handler's disk is full"));
        Assert.That(fixture.Maildrop.Messages.Select(m => m.Uid), Is.EqualTo(new[] { uids[1] }), "the failed one is not deleted");

        var again = await fixture.Sync(mode, mailbox);
        Assert.That(again.Handled, Is.EqualTo(new[] { uids[1] }));
        Assert.That(fixture.Maildrop.Count, Is.Zero);
    }

    [Test]
    public async Task A_refused_retr_is_a_failure_with_the_servers_reply_and_comes_again([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 3);
        var uids = fixture.Maildrop.Messages.Select(m => m.Uid).ToArray();
        fixture.Server.Faults.Pop3FailRetrieve(2, "[SYS/TEMP] cannot read it now", times: 1);
        var mailbox = fixture.Mailbox();

        var result = await fixture.Sync(mode, mailbox);

        var failure = result.Failures.Single();
        Assert.That((failure.Uid, failure.Number), Is.EqualTo((uids[1], 2)));
        Assert.That(failure.Error, Is.InstanceOf<Pop3CommandException>().With.Property("ResponseCode").EqualTo("SYS/TEMP"));
        Assert.That(result.Handled, Is.EqualTo(new[] { uids[0], uids[2] }));
        Assert.That((await fixture.Sync(mode, mailbox)).Handled, Is.EqualTo(new[] { uids[1] }));
    }

    [Test]
    public void A_server_without_uidl_is_a_typed_error_with_its_reply_and_nothing_is_handed_over([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 2);
        fixture.Server.Options.Pop3.Uidl = false;
        var mailbox = fixture.Mailbox(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled });

        var error = Assert.ThrowsAsync<Pop3UidlUnavailableException>(() => fixture.Sync(mode, mailbox));

        Assert.That(error!.ServerReply, Does.Contain("UIDL not available"));
        Assert.That(error.Command, Is.EqualTo("UIDL"));
        Assert.That(error.Message, Does.Contain("refused UIDL").And.Contain("UIDL not available"));
        Assert.That(error.InnerException, Is.InstanceOf<Pop3CommandException>());
        Assert.That(fixture.Delivered, Is.Empty);
        Assert.That(fixture.Stored(), Is.Empty);
        Assert.That(fixture.Maildrop.Count, Is.EqualTo(2));
        Assert.That(fixture.Transcript.Sent("QUIT"), Is.Zero, "dropped without QUIT");
    }

    [Test]
    public async Task A_store_that_cannot_record_stops_the_sync_without_quit_so_nothing_is_deleted([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 3);
        var uids = fixture.Maildrop.Messages.Select(m => m.Uid).ToArray();
        var store = new FailingStore(new FileUidStore(fixture.StorePath), failOnRecord: 2);
        var mailbox = fixture.Mailbox(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled }, store);

        var error = Assert.ThrowsAsync<IOException>(() => fixture.Sync(mode, mailbox));

        Assert.That(error!.Message, Is.EqualTo("the store's disk is full"));
        Assert.That(fixture.Transcript.Sent("DELE"), Is.Zero);
        Assert.That(fixture.Transcript.Sent("QUIT"), Is.Zero);
        Assert.That(fixture.Maildrop.Count, Is.EqualTo(3), "nothing deleted");
        Assert.That(fixture.Stored(), Is.EqualTo(new[] { uids[0] }));

        var again = await fixture.Sync(mode, fixture.Mailbox(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled }));
        Assert.That(again.Handled, Is.EqualTo(new[] { uids[1], uids[2] }), "the one whose record failed comes again (at least once)");
        Assert.That(fixture.Maildrop.Count, Is.Zero);
    }

    [Test]
    public async Task A_connection_lost_while_the_handler_reads_stops_the_sync_and_is_not_taken_for_the_handlers_failure([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 3);
        var uids = fixture.Maildrop.Messages.Select(m => m.Uid).ToArray();
        fixture.Server.Faults.Pop3DisconnectDuringRetrieve(messageNumber: 2, times: 1);
        var mailbox = fixture.Mailbox(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled });

        Assert.That(async () => await fixture.Sync(mode, mailbox), Throws.InstanceOf<MailProtocolException>());

        Assert.That(fixture.Stored(), Is.EqualTo(new[] { uids[0] }));
        Assert.That(fixture.Maildrop.Count, Is.EqualTo(3), "nothing deleted");
        var again = await fixture.Sync(mode, mailbox);
        Assert.That((again.Handled, again.Deleted), Is.EqualTo((uids[1..], 3)));
        Assert.That(fixture.Delivered, Is.EqualTo(uids));
    }

    [Test]
    public async Task A_refused_quit_is_thrown_after_the_records_and_the_next_sync_deletes_again([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 2);
        fixture.Server.Faults.Pop3Error("QUIT", "[SYS/TEMP] cannot update the maildrop", times: 1);
        var mailbox = fixture.Mailbox(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled });

        var refused = Assert.ThrowsAsync<Pop3CommandException>(() => fixture.Sync(mode, mailbox));

        Assert.That(refused!.ResponseCode, Is.EqualTo("SYS/TEMP"));
        Assert.That(fixture.Stored(), Has.Count.EqualTo(2), "recorded, and not pruned");
        Assert.That(fixture.Maildrop.Count, Is.EqualTo(2), "the server deleted nothing");
        var again = await fixture.Sync(mode, mailbox);
        Assert.That((again.New, again.AlreadySeen, again.Deleted, again.Pruned), Is.EqualTo((0, 2, 2, 2)));
        Assert.That(fixture.Maildrop.Count, Is.Zero);
    }

    [Test]
    public async Task Cancelling_mid_sync_keeps_what_was_recorded_and_deletes_nothing([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 5);
        var uids = fixture.Maildrop.Messages.Select(m => m.Uid).ToArray();
        var mailbox = fixture.Mailbox(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled });
        using var cancel = new CancellationTokenSource();

        Assert.That(
            async () => await fixture.Sync(mode, mailbox, m =>
            {
                if (m.Number == 2)
                {
                    cancel.Cancel();
                }
            }, cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());

        Assert.That(fixture.Stored(), Is.EquivalentTo(uids[..2]), "the handler of message 2 returned, so it was recorded");
        Assert.That(fixture.Maildrop.Count, Is.EqualTo(5), "no QUIT, nothing deleted");
        var again = await fixture.Sync(mode, mailbox);
        Assert.That(again.Handled, Is.EqualTo(uids[2..]));
        Assert.That(fixture.Delivered, Is.EqualTo(uids), "every message exactly once");
    }

    [Test]
    public async Task Two_syncs_of_one_store_at_once_are_refused_before_connecting([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 2);
        var mailbox = fixture.Mailbox();
        UidStoreLockedException? refused = null;
        RoundTripCounter? secondTranscript = null;

        await fixture.Sync(mode, mailbox, _ =>
        {
            var second = fixture.Mailbox();
            secondTranscript = fixture.Transcript;
            refused ??= Assert.Throws<UidStoreLockedException>(() => second.Sync(_ => { }));
        });

        Assert.That(refused!.Message, Does.Contain(fixture.StorePath));
        Assert.That(secondTranscript!.Lines, Is.Empty, "the second sync never connected");
        Assert.That(fixture.Delivered, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Ids_no_longer_on_the_server_are_pruned_after_a_successful_sync([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 3);
        var mailbox = fixture.Mailbox();
        await fixture.Sync(mode, mailbox);
        var gone = fixture.Maildrop.Messages[1];
        fixture.Maildrop.Remove(gone);

        var result = await fixture.Sync(mode, mailbox);

        Assert.That((result.New, result.AlreadySeen, result.Pruned), Is.EqualTo((0, 2, 1)));
        Assert.That(fixture.Stored(), Is.EquivalentTo(fixture.Maildrop.Messages.Select(m => m.Uid)));
    }

    [Test]
    public void A_refused_login_is_thrown_and_touches_nothing([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 1);

        Assert.ThrowsAsync<MailAuthenticationException>(() => fixture.Sync(mode, fixture.Mailbox(password: "wrong")));

        Assert.That(fixture.Delivered, Is.Empty);
        Assert.That(fixture.Stored(), Is.Empty);
    }

    [Test]
    public void Caller_mistakes_are_refused_before_the_store_or_the_server_is_touched([Values] IoMode mode)
    {
        using var fixture = new SyncFixture(messages: 1);

        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fixture.Sync(mode, fixture.Mailbox(new Pop3SyncOptions { DeleteAfter = TimeSpan.FromDays(-1) })));
        Assert.ThrowsAsync<ArgumentException>(() => fixture.Sync(mode, new Pop3Mailbox(fixture.ClientOptions(), new MailCredentials("alice", "se\r\ncret"), new FileUidStore(fixture.StorePath))));
        Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Sync(mode, new Pop3Mailbox(new Pop3ClientOptions(), new MailCredentials("alice", "secret"), new FileUidStore(fixture.StorePath))));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAsync<OperationCanceledException>(() => fixture.Sync(mode, fixture.Mailbox(), cancellationToken: cancelled.Token));
        Assert.That(File.Exists(fixture.StorePath), Is.False);
        Assert.That(fixture.Transcript.Lines, Is.Empty);
        Assert.Throws<ArgumentNullException>(() => fixture.Mailbox().Sync(null!));
    }

    /// <summary>A store whose n-th record fails, as a full disk would.</summary>
    private sealed class FailingStore(IUidStore inner, int failOnRecord) : IUidStore
    {
        public IUidStoreSession Open() => new Session(inner.Open(), failOnRecord);

        private sealed class Session(IUidStoreSession inner, int failOnRecord) : IUidStoreSession
        {
            private int _records;

            public IReadOnlyDictionary<string, DateTimeOffset> Seen => inner.Seen;

            public void Record(string uid, DateTimeOffset firstSeen)
            {
                if (++_records == failOnRecord)
                {
                    throw new IOException("the store's disk is full");
                }

                inner.Record(uid, firstSeen);
            }

            public void Retain(IReadOnlyCollection<string> uids) => inner.Retain(uids);

            public void Dispose() => inner.Dispose();
        }
    }
}
