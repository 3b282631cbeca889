using NetComm.Internal;
using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Pop3;

/// <summary>Replies that break the protocol: the client throws MailProtocolException and closes the connection, never hangs.</summary>
[TestFixture]
public class Pop3ProtocolErrorTests
{
    [Test]
    public async Task A_list_with_fewer_entries_than_stat_said_is_a_protocol_error([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("STAT").S("+OK 3 300").C("LIST").S("+OK", "1 100", "2 100", ".");
        using var client = await Io.LoggedIn(mode, new ScriptedPop3Stream(script, ChunkMode.Random));

        var error = Assert.ThrowsAsync<MailProtocolException>(() => Io.Call(mode, () => client.List(), () => client.ListAsync()));

        Assert.That(error!.Message, Does.Contain("listed 2 message(s) but its STAT said 3"));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task A_uidl_with_more_entries_than_stat_said_is_a_protocol_error([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("STAT").S("+OK 1 100").C("UIDL").S("+OK", "1 a", "2 b", ".");
        using var client = await Io.LoggedIn(mode, new ScriptedPop3Stream(script, ChunkMode.Whole));

        Assert.ThrowsAsync<MailProtocolException>(() => Io.Call(mode, () => client.Uidl(), () => client.UidlAsync()));
        Assert.That(client.IsConnected, Is.False);
    }

    // Found by fuzzing (tests/NetComm.Fuzz/found/pop3-listing): the listing after a refused STAT threw InvalidOperationException.
    [TestCase("LIST")]
    [TestCase("UIDL")]
    public async Task A_listing_accepted_after_a_refused_stat_is_a_protocol_error(string command)
    {
        var script = Pop3Script.LoggedIn().C("STAT").S("-ERR [SYS/TEMP] busy").C(command).S("+OK", "1 100", ".");
        using var client = await Io.LoggedIn(IoMode.Sync, new ScriptedPop3Stream(script, ChunkMode.Whole));

        var error = Assert.Throws<MailProtocolException>(() => _ = command == "LIST" ? client.List().Count : client.Uidl().Count);

        Assert.That(error!.Message, Does.Contain($"refused STAT but accepted {command}"));
        Assert.That(client.IsConnected, Is.False);
    }

    [TestCase("1 abc")]
    [TestCase("one 100")]
    [TestCase("1")]
    [TestCase("0 100")]
    [TestCase("1 -5")]
    public async Task A_malformed_list_line_is_a_protocol_error(string line)
    {
        var script = Pop3Script.LoggedIn().C("STAT").S("+OK 1 100").C("LIST").S("+OK", line, ".");
        using var client = await Io.LoggedIn(IoMode.Async, new ScriptedPop3Stream(script, ChunkMode.Whole));

        var error = Assert.ThrowsAsync<MailProtocolException>(() => client.ListAsync());

        Assert.That(error!.Message, Does.Contain("malformed LIST line"));
    }

    [TestCase("1")]
    [TestCase("x uid")]
    [TestCase("1 bad\u0001uid")]
    public async Task A_malformed_uidl_line_is_a_protocol_error(string line)
    {
        var script = Pop3Script.LoggedIn().C("STAT").S("+OK 1 100").C("UIDL").S("+OK", line, ".");
        using var client = await Io.LoggedIn(IoMode.Sync, new ScriptedPop3Stream(script, ChunkMode.Whole));

        Assert.Throws<MailProtocolException>(() => client.Uidl());
    }

    [Test]
    public async Task An_overlong_status_line_is_a_protocol_error([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("NOOP").S("+OK " + new string('x', 5000));
        using var client = await Io.LoggedIn(mode, new ScriptedPop3Stream(script, ChunkMode.Random), Io.ScriptOptions(o => o.MaxLineLength = 1024));

        var error = Assert.ThrowsAsync<MailProtocolException>(() => Io.Call(mode, () => client.Noop(), () => client.NoopAsync()));

        Assert.That(error!.Message, Does.Contain("longer than 1024"));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task A_message_without_its_terminator_ends_in_a_protocol_error_at_end_of_stream([Values] IoMode mode, [Values] ChunkMode chunks)
    {
        var script = Pop3Script.LoggedIn().C("RETR 1").S("+OK").Raw("Subject: cut\r\n\r\nhalf a mess");
        using var client = await Io.LoggedIn(mode, new ScriptedPop3Stream(script, chunks));

        var error = Assert.ThrowsAsync<MailProtocolException>(() => Io.Call(mode, () => client.CopyMessageTo(1, Stream.Null), () => client.CopyMessageToAsync(1, Stream.Null)));

        Assert.That(error!.Message, Does.Contain("in the middle of message 1"));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task A_reply_that_is_neither_ok_nor_err_is_a_protocol_error([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("STAT").S("* 2 EXISTS");
        using var client = await Io.LoggedIn(mode, new ScriptedPop3Stream(script, ChunkMode.Whole));

        var error = Assert.ThrowsAsync<MailProtocolException>(() => Io.Call(mode, () => client.Stat(), () => client.StatAsync()));

        Assert.That(error!.Message, Does.Contain("neither +OK nor -ERR"));
    }

    [Test]
    public async Task A_list_that_never_ends_is_a_protocol_error_at_end_of_stream([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("STAT").S("+OK 2 20").C("LIST").S("+OK", "1 10");
        using var client = await Io.LoggedIn(mode, new ScriptedPop3Stream(script, ChunkMode.PerByte));

        Assert.ThrowsAsync<MailProtocolException>(() => Io.Call(mode, () => client.List(), () => client.ListAsync()));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task A_refused_greeting_is_reported_with_its_response_code([Values] IoMode mode)
    {
        var script = new Pop3Script().S("-ERR [SYS/TEMP] too busy, try later");
        using var client = new Pop3Client(Io.ScriptOptions());
        var tcp = new TcpConnection(new ScriptedPop3Stream(script, ChunkMode.Whole));
        var error = Assert.CatchAsync<Pop3CommandException>(async () =>
        {
            if (mode == IoMode.Sync)
            {
                client.ConnectAsync<SyncIo>(tcp, default).Complete();
            }
            else
            {
                await client.ConnectAsync<AsyncIo>(tcp, default);
            }
        });

        Assert.That(error!.ResponseCode, Is.EqualTo("SYS/TEMP"));
        Assert.That(error.IsTransient, Is.True);
        Assert.That(error.EndsSession, Is.True);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task Operations_before_login_are_refused_locally([Values] IoMode mode)
    {
        var stream = new ScriptedPop3Stream(Pop3Script.Greeting(["USER"]), ChunkMode.Whole);
        using var client = await Io.Open(mode, stream);

        Assert.ThrowsAsync<InvalidOperationException>(() => Io.Call(mode, () => client.Stat(), () => client.StatAsync()));
        stream.AssertComplete();
    }
}
