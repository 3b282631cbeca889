using NetComm.Diagnostics;
using NetComm.Pop3;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;

namespace NetComm.Tests.Pop3;

/// <summary>Deletions are explicit: Commit sends QUIT, Abandon undoes, Dispose does what the options say and logs it.</summary>
[TestFixture]
public class Pop3LifetimeTests
{
    [Test]
    public async Task Abandon_resets_before_quitting_so_nothing_is_deleted([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("DELE 1").S("+OK").C("RSET").S("+OK").C("QUIT").S("+OK");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        using var client = await Io.LoggedIn(mode, stream);
        await Io.Call(mode, () => client.Delete(1), () => client.DeleteAsync(1));

        await Io.Call(mode, () => client.Abandon(), () => client.AbandonAsync());

        Assert.That(client.IsConnected, Is.False);
        stream.AssertComplete();
    }

    [Test]
    public async Task Abandon_closes_without_quit_when_the_reset_is_refused([Values] IoMode mode)
    {
        // No QUIT after the refused RSET: per RFC 1939 a session that ends without QUIT deletes nothing.
        var script = Pop3Script.LoggedIn().C("DELE 1").S("+OK").C("RSET").S("-ERR not now");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        using var client = await Io.LoggedIn(mode, stream);
        await Io.Call(mode, () => client.Delete(1), () => client.DeleteAsync(1));

        await Io.Call(mode, () => client.Abandon(), () => client.AbandonAsync());

        Assert.That(client.IsConnected, Is.False);
        stream.AssertComplete();
    }

    [Test]
    public async Task Disposing_with_pending_deletions_abandons_them_by_default_and_says_so([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("DELE 2").S("+OK").C("RSET").S("+OK").C("QUIT").S("+OK");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        var logger = new ListLogger();
        var client = await Io.LoggedIn(mode, stream, Io.ScriptOptions(o => o.Logger = logger));
        await Io.Call(mode, () => client.Delete(2), () => client.DeleteAsync(2));

        await Io.Call(mode, () => client.Dispose(), () => client.DisposeAsync().AsTask());

        var warning = logger.Events.Single(e => e.Id.Id == NetCommEventIds.Pop3DisposedWithPendingDeletions);
        Assert.That(warning.Message, Does.Contain("1 pending deletion(s)").And.Contain("Abandon").And.Contain("nothing was deleted"));
        stream.AssertComplete();
    }

    [Test]
    public async Task Disposing_with_the_commit_option_sends_quit_and_says_so([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("DELE 2").S("+OK").C("QUIT").S("+OK 1 message deleted");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        var logger = new ListLogger();
        var client = await Io.LoggedIn(mode, stream, Io.ScriptOptions(o =>
        {
            o.Logger = logger;
            o.OnDisposeWithPendingDeletions = Pop3DisposeAction.Commit;
        }));
        await Io.Call(mode, () => client.Delete(2), () => client.DeleteAsync(2));

        await Io.Call(mode, () => client.Dispose(), () => client.DisposeAsync().AsTask());

        Assert.That(logger.Events.Single(e => e.Id.Id == NetCommEventIds.Pop3DisposedWithPendingDeletions).Message, Does.Contain("committed with QUIT"));
        Assert.That(logger.Events.Any(e => e.Id.Id == NetCommEventIds.Pop3DeletionsCommitted), Is.True);
        stream.AssertComplete();
    }

    [Test]
    public async Task Disposing_without_pending_deletions_just_says_quit([Values] IoMode mode)
    {
        var stream = new ScriptedPop3Stream(Pop3Script.LoggedIn().C("QUIT").S("+OK"), ChunkMode.Whole);
        var client = await Io.LoggedIn(mode, stream);

        await Io.Call(mode, () => client.Dispose(), () => client.DisposeAsync().AsTask());

        stream.AssertComplete();
    }

    [Test]
    public async Task A_refused_quit_is_reported_and_the_connection_closed([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("DELE 1").S("+OK").C("QUIT").S("-ERR [SYS/PERM] could not remove message 1");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        using var client = await Io.LoggedIn(mode, stream);
        await Io.Call(mode, () => client.Delete(1), () => client.DeleteAsync(1));

        var error = Assert.ThrowsAsync<Pop3CommandException>(() => Io.Call(mode, () => client.Commit(), () => client.CommitAsync()));

        Assert.That(error!.ResponseCode, Is.EqualTo(Pop3ResponseCodes.SystemPermanent));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task A_broken_connection_logs_the_deletions_it_did_not_commit([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("DELE 1").S("+OK").C("NOOP").S("garbage");
        var logger = new ListLogger();
        using var client = await Io.LoggedIn(mode, new ScriptedPop3Stream(script, ChunkMode.Whole), Io.ScriptOptions(o => o.Logger = logger));
        await Io.Call(mode, () => client.Delete(1), () => client.DeleteAsync(1));

        Assert.ThrowsAsync<NetComm.Mail.MailProtocolException>(() => Io.Call(mode, () => client.Noop(), () => client.NoopAsync()));

        Assert.That(logger.Events.Single(e => e.Id.Id == NetCommEventIds.Pop3ConnectionFailed).Message, Does.Contain("1 pending deletion(s) were not committed"));
        Assert.That(client.PendingDeletions, Is.Empty);
    }
}
