using NetComm.Pop3;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;

namespace NetComm.Tests.Pop3;

/// <summary>Batches: one write per window with PIPELINING, lock-step without it, refusals mid-batch.</summary>
[TestFixture]
public class Pop3PipeliningTests
{
    private static readonly string[] s_pipelining = ["USER", "UIDL", "TOP", "PIPELINING"];

    private static string Message(int n) => $"Subject: message {n}\r\n\r\nbody {n}\r\n";

    [Test]
    public async Task A_retrieval_batch_goes_out_in_one_write_when_pipelining([Values] IoMode mode, [Values] ChunkMode chunks)
    {
        var script = Pop3Script.LoggedIn(s_pipelining).C("RETR 1").C("RETR 2").C("RETR 3");
        foreach (var n in new[] { 1, 2, 3 })
        {
            script.S("+OK").Raw(Message(n) + ".\r\n");
        }

        var stream = new ScriptedPop3Stream(script, chunks);
        using var client = await Io.LoggedIn(mode, stream);

        var messages = await Io.Call(mode, () => client.Retrieve([1, 2, 3]), () => client.RetrieveAsync([1, 2, 3]));

        Assert.That(messages.AllSucceeded, Is.True);
        Assert.That(messages.Values.Select(m => m.Subject), Is.EqualTo(new[] { "message 1", "message 2", "message 3" }));
        Assert.That(stream.LinesPerWrite[^1], Is.EqualTo(3), "the three RETRs in one write");
        stream.AssertComplete();
    }

    [Test]
    public async Task Without_pipelining_each_command_waits_for_its_reply([Values] IoMode mode)
    {
        // The script releases a reply only after its command, so sending ahead would be caught as a violation.
        var script = Pop3Script.LoggedIn(s_pipelining)
            .C("DELE 1").S("+OK").C("DELE 2").S("+OK").C("DELE 3").S("+OK");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Whole);
        using var client = await Io.LoggedIn(mode, stream, Io.ScriptOptions(o => o.UsePipelining = false));

        await Io.Call(mode, () => client.Delete([1, 2, 3]), () => client.DeleteAsync([1, 2, 3]));

        Assert.That(client.IsPipelining, Is.False);
        Assert.That(stream.LinesPerWrite.TakeLast(3), Is.All.EqualTo(1));
        Assert.That(client.PendingDeletions, Is.EqualTo(new[] { 1, 2, 3 }));
        stream.AssertComplete();
    }

    [Test]
    public async Task An_err_in_the_middle_of_a_pipelined_batch_is_reported_and_the_rest_still_arrives([Values] IoMode mode, [Values] ChunkMode chunks)
    {
        var script = Pop3Script.LoggedIn(s_pipelining).C("RETR 1").C("RETR 2").C("RETR 3")
            .S("+OK").Raw(Message(1) + ".\r\n")
            .S("-ERR [IN-USE] message 2 is busy")
            .S("+OK").Raw(Message(3) + ".\r\n")
            .C("NOOP").S("+OK");
        var stream = new ScriptedPop3Stream(script, chunks);
        using var client = await Io.LoggedIn(mode, stream);

        var result = await Io.Call(mode, () => client.Retrieve([1, 2, 3]), () => client.RetrieveAsync([1, 2, 3]));
        var error = Assert.Throws<Pop3BatchException>(() => result.EnsureAllSucceeded());
        await Io.Call(mode, () => client.Noop(), () => client.NoopAsync());

        Assert.That(error!.Failures.Select(f => f.MessageNumber), Is.EqualTo(new int?[] { 2 }));
        Assert.That(error.Failures[0].ResponseCode, Is.EqualTo(Pop3ResponseCodes.InUse));
        Assert.That(error.Succeeded, Is.EqualTo(new[] { 1, 3 }));
        Assert.That(result.Items[2].Value!.Subject, Is.EqualTo("message 3"));
        Assert.That(result.Items[1].Error!.ResponseCode, Is.EqualTo(Pop3ResponseCodes.InUse));
        Assert.That(error.IsTransient, Is.True);
        stream.AssertComplete();
    }

    [Test]
    public async Task A_deletion_refused_mid_batch_leaves_the_others_marked([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn(s_pipelining).C("DELE 1").C("DELE 2").C("DELE 3")
            .S("+OK", "-ERR message 2 already deleted", "+OK");
        var stream = new ScriptedPop3Stream(script, ChunkMode.PerByte);
        using var client = await Io.LoggedIn(mode, stream);

        var result = await Io.Call(mode, () => client.Delete([1, 2, 3]), () => client.DeleteAsync([1, 2, 3]));
        var error = Assert.Throws<Pop3BatchException>(() => result.EnsureAllSucceeded());

        Assert.That(error!.Failures.Single().MessageNumber, Is.EqualTo(2));
        Assert.That(client.PendingDeletions, Is.EqualTo(new[] { 1, 3 }));
        stream.AssertComplete();
    }

    [Test]
    public async Task Long_batches_keep_the_commands_in_flight_within_the_byte_budget([Values] IoMode mode)
    {
        var count = 3000;
        var budget = NetComm.Pop3.Internal.Pop3Session.MaxBytesInFlight;
        static int Size(int index) => $"DELE {index + 1}".Length + 2;
        var script = Pop3Script.LoggedIn(s_pipelining);

        // The script mirrors the client: it expects each command before releasing that command's reply.
        int sent = 0, inFlight = 0;
        for (var done = 0; done < count; done++)
        {
            if (sent < count && inFlight <= budget / 2)
            {
                do
                {
                    script.C($"DELE {sent + 1}");
                    inFlight += Size(sent++);
                }
                while (sent < count && inFlight + Size(sent - 1) <= budget);
            }

            script.S("+OK");
            inFlight -= Size(done);
        }

        var stream = new ScriptedPop3Stream(script, ChunkMode.Random);
        using var client = await Io.LoggedIn(mode, stream);

        await Io.Call(mode, () => client.Delete(Enumerable.Range(1, count)), () => client.DeleteAsync(Enumerable.Range(1, count)));

        Assert.That(client.PendingDeletions, Has.Count.EqualTo(count));
        Assert.That(stream.LinesPerWrite.Max(), Is.GreaterThan(500), "hundreds of commands per write");
        Assert.That(stream.LinesPerWrite.Max(), Is.LessThanOrEqualTo(budget / "DELE 1\r\n".Length), "never more than the budget in one write");
        stream.AssertComplete();
    }

    [Test]
    public async Task List_messages_merges_stat_list_and_uidl_sent_together([Values] IoMode mode, [Values] ChunkMode chunks)
    {
        var script = Pop3Script.LoggedIn(s_pipelining).C("STAT").C("LIST").C("UIDL")
            .S("+OK 2 30", "+OK", "1 10", "2 20", ".", "+OK", "1 uid-a", "2 uid-b", ".");
        var stream = new ScriptedPop3Stream(script, chunks);
        using var client = await Io.LoggedIn(mode, stream);

        var infos = await Io.Call(mode, () => client.ListMessages(), () => client.ListMessagesAsync());

        Assert.That(infos, Is.EqualTo(new[] { new Pop3MessageInfo(1, 10, "uid-a"), new Pop3MessageInfo(2, 20, "uid-b") }));
        Assert.That(stream.LinesPerWrite[^1], Is.EqualTo(3));
        stream.AssertComplete();
    }

    [Test]
    public async Task Get_messages_lists_then_retrieves_everything([Values] IoMode mode)
    {
        var script = Pop3Script.LoggedIn(s_pipelining).C("STAT").C("LIST").S("+OK 2 40", "+OK", "1 20", "3 20", ".")
            .C("RETR 1").C("RETR 3").S("+OK").Raw(Message(1) + ".\r\n").S("+OK").Raw(Message(3) + ".\r\n");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Random);
        using var client = await Io.LoggedIn(mode, stream);

        var messages = await Io.Call(mode, () => client.GetMessages(), () => client.GetMessagesAsync());

        Assert.That(messages.Values.Select(m => m.Subject), Is.EqualTo(new[] { "message 1", "message 3" }));
        stream.AssertComplete();
    }

    [Test]
    public async Task Retrieve_each_streams_every_message_to_the_callback([Values] IoMode mode, [Values] ChunkMode chunks)
    {
        var script = Pop3Script.LoggedIn(s_pipelining).C("RETR 1").C("RETR 2")
            .S("+OK").Raw("..dot\r\n" + Message(1) + ".\r\n").S("+OK").Raw(Message(2) + ".\r\n");
        var stream = new ScriptedPop3Stream(script, chunks);
        using var client = await Io.LoggedIn(mode, stream);
        var seen = new Dictionary<int, string>();

        await Io.Call(
            mode,
            () => client.RetrieveEach([1, 2], (n, s) => seen[n] = new StreamReader(s).ReadToEnd()),
            () => client.RetrieveEachAsync([1, 2], async (n, s, ct) => seen[n] = await new StreamReader(s).ReadToEndAsync(ct)));

        Assert.That(seen[1], Is.EqualTo(".dot\r\n" + Message(1)));
        Assert.That(seen[2], Is.EqualTo(Message(2)));
        stream.AssertComplete();
    }

    [Test]
    public async Task A_callback_that_throws_stops_the_batch_and_the_session_stays_usable(
        [Values] IoMode mode, [Values(typeof(FormatException), typeof(IOException), typeof(TimeoutException))] Type failure)
    {
        // An IOException or TimeoutException from the caller's own code (a full disk) is not a connection failure:
        // the rest of the message is skipped and the caller's exception comes back unchanged.
        var script = Pop3Script.LoggedIn(s_pipelining).C("RETR 1").C("RETR 2").C("RETR 3")
            .S("+OK").Raw(Message(1) + ".\r\n").S("+OK").Raw(Message(2) + ".\r\n").S("+OK").Raw(Message(3) + ".\r\n")
            .C("NOOP").S("+OK");
        var stream = new ScriptedPop3Stream(script, ChunkMode.Random);
        using var client = await Io.LoggedIn(mode, stream);
        var calls = 0;
        Exception Fail() => (Exception)Activator.CreateInstance(failure, $"caller failed on call {++calls}")!;

        var error = Assert.CatchAsync(() => Io.Call(
            mode,
            () => client.RetrieveEach([1, 2, 3], (_, _) => throw Fail()),
            () => client.RetrieveEachAsync([1, 2, 3], (_, _, _) => throw Fail())));
        await Io.Call(mode, () => client.Noop(), () => client.NoopAsync());

        Assert.That(error, Is.TypeOf(failure));
        Assert.That(error!.Message, Is.EqualTo("caller failed on call 1"));
        Assert.That(calls, Is.EqualTo(1));
        Assert.That(client.IsConnected, Is.True);
        stream.AssertComplete();
    }
}
