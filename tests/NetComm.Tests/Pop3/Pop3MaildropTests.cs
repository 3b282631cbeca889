using System.Text;
using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;

namespace NetComm.Tests.Pop3;

/// <summary>The maildrop commands over scripted transcripts, in both I/O modes, with replies whole, per byte and in random chunks.</summary>
[TestFixture]
public class Pop3MaildropTests
{
    private const string SimpleMessage = "From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: Hello\r\n\r\nHi Alice.\r\n";

    [Test]
    public async Task The_tutorial_flow_stat_list_retrieve_delete_quit([Values] IoMode mode, [Values] ChunkMode chunks)
    {
        var script = Pop3Script.LoggedIn()
            .C("STAT").S("+OK 2 170")
            .C("STAT").S("+OK 2 170")
            .C("LIST").S("+OK 2 messages", "1 82", "2 88", ".")
            .C("RETR 2").S("+OK 88 octets").Raw(SimpleMessage + ".\r\n")
            .C("DELE 2").S("+OK marked")
            .C("QUIT").S("+OK bye");
        var stream = new ScriptedPop3Stream(script, chunks);
        using var client = await Io.LoggedIn(mode, stream);

        var stat = await Io.Call(mode, () => client.Stat(), () => client.StatAsync());
        var list = await Io.Call(mode, () => client.List(), () => client.ListAsync());
        var message = await Io.Call(mode, () => client.Retrieve(list.Count), () => client.RetrieveAsync(list.Count));
        await Io.Call(mode, () => client.Delete(2), () => client.DeleteAsync(2));
        Assert.That(client.PendingDeletions, Is.EqualTo(new[] { 2 }));
        await Io.Call(mode, () => client.Commit(), () => client.CommitAsync());

        Assert.That(stat, Is.EqualTo(new Pop3Stat(2, 170)));
        Assert.That(list, Is.EqualTo(new[] { new Pop3ListEntry(1, 82), new Pop3ListEntry(2, 88) }));
        Assert.That(message.Subject, Is.EqualTo("Hello"));
        Assert.That(message.TextBody, Is.EqualTo("Hi Alice.\n"), "MimeKit gives text with LF line ends");
        Assert.That(client.IsConnected, Is.False);
        Assert.That(client.PendingDeletions, Is.Empty);
        stream.AssertComplete();
    }

    [Test]
    public async Task Dot_stuffed_lines_and_lone_dots_are_unstuffed_exactly([Values] IoMode mode, [Values] ChunkMode chunks)
    {
        var content = "Subject: dots\r\n\r\n.hidden\r\n..\r\n.\r\n...\r\n. leading dot\r\nmiddle\r\n.\r\n";
        var stuffed = "Subject: dots\r\n\r\n..hidden\r\n...\r\n..\r\n....\r\n.. leading dot\r\nmiddle\r\n..\r\n.\r\n";
        var script = Pop3Script.LoggedIn().C("RETR 1").S("+OK").Raw(stuffed).C("NOOP").S("+OK");
        var stream = new ScriptedPop3Stream(script, chunks);
        using var client = await Io.LoggedIn(mode, stream);
        using var sink = new MemoryStream();

        var copied = await Io.Call(mode, () => client.CopyMessageTo(1, sink), () => client.CopyMessageToAsync(1, sink));
        await Io.Call(mode, () => client.Noop(), () => client.NoopAsync());

        Assert.That(Encoding.UTF8.GetString(sink.ToArray()), Is.EqualTo(content));
        Assert.That(copied, Is.EqualTo(content.Length));
        stream.AssertComplete();
    }

    [Test]
    public async Task A_terminator_hidden_inside_a_line_does_not_end_the_message([Values] IoMode mode, [Values] ChunkMode chunks)
    {
        // Only CRLF "." CRLF ends the reply: a dot after a bare LF or CR, or inside a line, is content.
        var content = "Subject: x\r\n\r\nbare lf\n.\r\nbare cr\r.\r\nmid .\r\n.\r\ntext\r\n";
        var stuffed = "Subject: x\r\n\r\nbare lf\n.\r\nbare cr\r.\r\nmid .\r\n..\r\ntext\r\n.\r\n";
        var script = Pop3Script.LoggedIn().C("RETR 1").S("+OK").Raw(stuffed).C("NOOP").S("+OK");
        var stream = new ScriptedPop3Stream(script, chunks);
        using var client = await Io.LoggedIn(mode, stream);
        using var sink = new MemoryStream();

        await Io.Call(mode, () => client.CopyMessageTo(1, sink), () => client.CopyMessageToAsync(1, sink));
        await Io.Call(mode, () => client.Noop(), () => client.NoopAsync());

        Assert.That(Encoding.UTF8.GetString(sink.ToArray()), Is.EqualTo(content));
        stream.AssertComplete();
    }

    [Test]
    public async Task Uidl_and_single_message_queries([Values] IoMode mode, [Values] ChunkMode chunks)
    {
        var script = Pop3Script.LoggedIn()
            .C("STAT").S("+OK 2 300")
            .C("UIDL").S("+OK", "1 whqtswO00WBw418f9t5JxYwZ", "3 QhdPYR:00WBw1Ph7x7", ".")
            .C("LIST 3").S("+OK 3 120")
            .C("UIDL 3").S("+OK 3 QhdPYR:00WBw1Ph7x7");
        var stream = new ScriptedPop3Stream(script, chunks);
        using var client = await Io.LoggedIn(mode, stream);

        var uids = await Io.Call(mode, () => client.Uidl(), () => client.UidlAsync());
        var size = await Io.Call(mode, () => client.GetSize(3), () => client.GetSizeAsync(3));
        var uid = await Io.Call(mode, () => client.GetUid(3), () => client.GetUidAsync(3));

        Assert.That(uids, Is.EqualTo(new[] { new Pop3UidEntry(1, "whqtswO00WBw418f9t5JxYwZ"), new Pop3UidEntry(3, "QhdPYR:00WBw1Ph7x7") }));
        Assert.That(size, Is.EqualTo(120));
        Assert.That(uid, Is.EqualTo("QhdPYR:00WBw1Ph7x7"));
        stream.AssertComplete();
    }

    [Test]
    public async Task Sizes_beyond_two_gigabytes_are_read_as_64_bit([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn()
            .C("STAT").S("+OK 1 5000000000")
            .C("STAT").S("+OK 1 5000000000")
            .C("LIST").S("+OK", "1 5000000000", ".");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        using var client = await Io.LoggedIn(mode, stream);

        var stat = await Io.Call(mode, () => client.Stat(), () => client.StatAsync());
        var list = await Io.Call(mode, () => client.List(), () => client.ListAsync());

        Assert.That(stat.TotalSize, Is.EqualTo(5_000_000_000L));
        Assert.That(list[0].Size, Is.EqualTo(5_000_000_000L));
    }

    [Test]
    public async Task Top_asks_for_any_number_of_body_lines([Values] IoMode mode, [Values] ChunkMode chunks)
    {
        var script = Pop3Script.LoggedIn().C("TOP 1 3").S("+OK").Raw("Subject: preview\r\n\r\none\r\ntwo\r\nthree\r\n.\r\n");
        var stream = new ScriptedPop3Stream(script, chunks);
        using var client = await Io.LoggedIn(mode, stream);

        var top = await Io.Call(mode, () => client.Top(1, 3), () => client.TopAsync(1, 3));

        Assert.That(top.Subject, Is.EqualTo("preview"));
        Assert.That(top.TextBody, Is.EqualTo("one\ntwo\nthree\n"));
        stream.AssertComplete();
    }

    [Test]
    public async Task A_refused_command_leaves_the_session_usable([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn()
            .C("RETR 9").S("-ERR [SYS/TEMP] no such message right now")
            .C("NOOP").S("+OK");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Random);
        using var client = await Io.LoggedIn(mode, stream);

        var error = Assert.ThrowsAsync<Pop3CommandException>(() => Io.Call(mode, () => client.Retrieve(9), () => client.RetrieveAsync(9)));
        await Io.Call(mode, () => client.Noop(), () => client.NoopAsync());

        Assert.That(error!.ResponseCode, Is.EqualTo(Pop3ResponseCodes.SystemTemporary));
        Assert.That(error.IsTransient, Is.True);
        Assert.That(error.MessageNumber, Is.EqualTo(9));
        Assert.That(error.Command, Is.EqualTo("RETR 9"));
        Assert.That(error.ServerReply, Is.EqualTo("-ERR [SYS/TEMP] no such message right now"));
        Assert.That(client.IsConnected, Is.True);
        stream.AssertComplete();
    }

    [Test]
    public async Task Reset_unmarks_pending_deletions([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn().C("DELE 1").S("+OK").C("RSET").S("+OK");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        using var client = await Io.LoggedIn(mode, stream);

        await Io.Call(mode, () => client.Delete(1), () => client.DeleteAsync(1));
        Assert.That(client.PendingDeletions, Is.EqualTo(new[] { 1 }));
        await Io.Call(mode, () => client.Reset(), () => client.ResetAsync());

        Assert.That(client.PendingDeletions, Is.Empty);
    }

    [Test]
    public async Task Message_numbers_are_one_based_and_checked_before_anything_is_sent([Values] IoMode mode)
    {
        var stream = new ScriptedPop3Stream(Pop3Script.LoggedIn(), ChunkMode.Whole);
        using var client = await Io.LoggedIn(mode, stream);

        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Io.Call(mode, () => client.Retrieve(0), () => client.RetrieveAsync(0)));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Io.Call(mode, () => client.Delete([1, 0]), () => client.DeleteAsync([1, 0])));
        Assert.That(client.IsConnected, Is.True);
        stream.AssertComplete();
    }

    [Test]
    public async Task Progress_reports_bytes_against_the_size_list_gave([Values] IoMode mode)
    {
        var body = "Subject: p\r\n\r\n" + new string('x', 3000) + "\r\n";
        var script = Pop3Script.LoggedIn().C("LIST 1").S($"+OK 1 {body.Length}").C("RETR 1").S("+OK").Raw(body + ".\r\n");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Random);
        using var client = await Io.LoggedIn(mode, stream);
        var reports = new List<TransferProgress>();
        var progress = new SynchronousProgress(reports.Add);

        await Io.Call(mode, () => client.CopyMessageTo(1, Stream.Null, progress), () => client.CopyMessageToAsync(1, Stream.Null, progress));

        Assert.That(reports, Is.Not.Empty);
        Assert.That(reports.Select(r => r.TotalBytes), Is.All.EqualTo(body.Length));
        Assert.That(reports.Select(r => r.BytesTransferred), Is.Ordered.Ascending);
        Assert.That(reports[^1].BytesTransferred, Is.EqualTo(body.Length));
        stream.AssertComplete();
    }

    [Test]
    public async Task Utf8_is_switched_on_before_login_when_offered([Values] IoMode mode)
    {
        var script = Pop3Script.Greeting(["USER", "UTF8"])
            .C("UTF8").S("+OK UTF-8 on")
            .C("USER zoë").S("+OK").C("PASS pässword").S("+OK")
            .C("CAPA").S("+OK", "USER", "UTF8", ".");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        using var client = await Io.Open(mode, stream);
        var credentials = new MailCredentials("zoë", "pässword");

        await Io.Call(mode, () => client.Authenticate(credentials), () => client.AuthenticateAsync(credentials));

        Assert.That(client.IsUtf8, Is.True);
        stream.AssertComplete();
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }
}
