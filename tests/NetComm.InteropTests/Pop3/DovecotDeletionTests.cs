using NetComm.Mail;
using NetComm.Pop3;

namespace NetComm.InteropTests.Pop3;

/// <summary>DELE only marks: RSET, Abandon and Dispose keep the messages; only QUIT (Commit) deletes. Checked by reconnecting.</summary>
[TestFixture]
[NonParallelizable]
public class DovecotDeletionTests
{
    [SetUp]
    [TearDown]
    public void RebuildBob() => DovecotEnvironment.ResetMail("bob");

    private static async Task<Pop3Client> Bob(Action<Pop3ClientOptions>? configure = null)
    {
        var client = new Pop3Client(DovecotEnvironment.Options(TlsMode.StartTlsRequired, configure));
        await client.ConnectAsync();
        await client.AuthenticateAsync(DovecotEnvironment.Credentials("bob"));
        return client;
    }

    private static async Task<IReadOnlyList<Pop3UidEntry>> UidsNow()
    {
        await using var client = await Bob();
        var uids = await client.UidlAsync();
        await client.CommitAsync();
        return uids;
    }

    [Test]
    public async Task Reset_unmarks_and_the_marked_message_cannot_be_read_meanwhile()
    {
        await using var client = await Bob();
        await client.DeleteAsync(1);

        Assert.ThrowsAsync<Pop3CommandException>(() => client.RetrieveAsync(1));
        Assert.That((await client.StatAsync()).Count, Is.EqualTo(2));
        await client.ResetAsync();
        Assert.That(client.PendingDeletions, Is.Empty);
        Assert.That((await client.StatAsync()).Count, Is.EqualTo(3));
        await client.CommitAsync();

        Assert.That(await UidsNow(), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Abandon_and_dispose_delete_nothing()
    {
        var client = await Bob();
        await client.DeleteAsync([1, 2]);
        await client.AbandonAsync();
        Assert.That(await UidsNow(), Has.Count.EqualTo(3));

        client = await Bob();
        await client.DeleteAsync([1, 2, 3]);
        client.Dispose();
        Assert.That(await UidsNow(), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Commit_deletes_the_marked_messages_on_quit([Values] bool pipelining)
    {
        var before = await UidsNow();
        await using (var client = await Bob(o => o.UsePipelining = pipelining))
        {
            await client.DeleteAsync([1, 3]);
            Assert.That(client.PendingDeletions, Is.EqualTo(new[] { 1, 3 }));
            await client.CommitAsync();
            Assert.That(client.IsConnected, Is.False);
        }

        Assert.That((await UidsNow()).Select(u => u.Uid), Is.EqualTo(new[] { before[1].Uid }));
    }

    [Test]
    public async Task Dispose_commits_when_the_options_say_so()
    {
        var client = await Bob(o => o.OnDisposeWithPendingDeletions = Pop3DisposeAction.Commit);
        await client.DeleteAsync(2);
        await client.DisposeAsync();

        Assert.That(await UidsNow(), Has.Count.EqualTo(2));
    }
}
