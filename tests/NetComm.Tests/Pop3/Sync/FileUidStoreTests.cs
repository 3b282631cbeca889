using System.Diagnostics;
using System.Text;
using NetComm.Pop3;
using NetComm.Tests.Support;

namespace NetComm.Tests.Pop3.Sync;

/// <summary>FileUidStore on its own: the file format, what a crash can leave behind, the lock.</summary>
[TestFixture]
public class FileUidStoreTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private string _directory = null!;

    private string StorePath => Path.Combine(_directory, "sub", "box.uids");

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("netcomm-uidstore-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Records_survive_reopening_with_their_first_seen_times()
    {
        using (var session = new FileUidStore(StorePath).Open())
        {
            Assert.That(session.Seen, Is.Empty);
            session.Record("a-1", s_t0);
            session.Record("b-2", s_t0.AddDays(1));
            session.Record("a-1", s_t0.AddDays(5));
        }

        using var again = new FileUidStore(StorePath).Open();
        Assert.That(again.Seen, Is.EquivalentTo(new Dictionary<string, DateTimeOffset> { ["a-1"] = s_t0, ["b-2"] = s_t0.AddDays(1) }), "recording an id twice keeps the first time");
        Assert.That(File.ReadAllText(StorePath), Is.EqualTo($"NetComm UID store 1\na-1 {s_t0.ToUnixTimeMilliseconds()}\nb-2 {s_t0.AddDays(1).ToUnixTimeMilliseconds()}\n"));
    }

    [Test]
    public void A_last_line_cut_short_by_a_crash_is_dropped_and_cut_off_so_the_next_record_starts_a_line()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StorePath)!);
        File.WriteAllText(StorePath, "NetComm UID store 1\na 1000\nb 20");

        using (var session = new FileUidStore(StorePath).Open())
        {
            Assert.That(session.Seen.Keys, Is.EqualTo(new[] { "a" }), "b was never acknowledged");
            Assert.That(File.ReadAllText(StorePath), Is.EqualTo("NetComm UID store 1\na 1000\n"));
            session.Record("c", DateTimeOffset.FromUnixTimeMilliseconds(3000));
        }

        using var again = new FileUidStore(StorePath).Open();
        Assert.That(again.Seen.Keys, Is.EquivalentTo(new[] { "a", "c" }));
    }

    [Test]
    public void A_damaged_line_before_the_last_or_a_file_that_is_no_store_is_refused_and_left_alone()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StorePath)!);
        File.WriteAllText(StorePath, "NetComm UID store 1\na 1000\nb twelve\nc 3000\n");
        Assert.That(() => new FileUidStore(StorePath).Open(), Throws.TypeOf<InvalidDataException>().With.Message.Contains("line 3"));

        File.WriteAllText(StorePath, "my shopping list\n");
        Assert.That(() => new FileUidStore(StorePath).Open(), Throws.TypeOf<InvalidDataException>().With.Message.Contains("not a NetComm UID store"));
        Assert.That(File.ReadAllText(StorePath), Is.EqualTo("my shopping list\n"));
        Assert.That(() => new FileUidStore(StorePath).Open().Dispose(), Throws.TypeOf<InvalidDataException>(), "and the lock was released");
    }

    [Test]
    public void A_second_open_is_refused_until_the_first_is_disposed()
    {
        var store = new FileUidStore(StorePath);
        var first = store.Open();

        var refused = Assert.Throws<UidStoreLockedException>(() => new FileUidStore(StorePath).Open());
        Assert.That(refused!.Message, Does.Contain(store.Path).And.Contain(".lock"));
        Assert.Throws<UidStoreLockedException>(() => store.Open());

        first.Dispose();
        using var second = store.Open();
        Assert.That(second.Seen, Is.Empty);
    }

    [Test]
    public void The_lock_holds_against_another_process_both_ways()
    {
        if (!File.Exists("/usr/bin/flock"))
        {
            Assert.Ignore("needs util-linux flock(1)");
        }

        var store = new FileUidStore(StorePath);
        using (store.Open())
        {
            using var probe = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["--nonblock", store.Path + ".lock", "true"]))!;
            Assert.That(probe.WaitForExit(Timeouts.Wait), Is.True);
            Assert.That(probe.ExitCode, Is.EqualTo(1), "another process cannot take the lock while a sync holds it");
        }

        var holder = new ProcessStartInfo("/usr/bin/flock", [store.Path + ".lock", "/bin/sh", "-c", "echo locked; read line"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var other = Process.Start(holder)!;
        try
        {
            var line = other.StandardOutput.ReadLineAsync();
            Assert.That(line.Wait(Timeouts.Wait) && line.Result == "locked", Is.True, "the other process took the lock");
            Assert.Throws<UidStoreLockedException>(() => store.Open());
        }
        finally
        {
            other.StandardInput.WriteLine();
            other.StandardInput.Close();
            Assert.That(other.WaitForExit(Timeouts.Wait), Is.True);
        }

        using var after = store.Open();
        Assert.That(after.Seen, Is.Empty, "released when the other process ended");
    }

    [Test]
    public void Retain_forgets_the_others_atomically_and_the_file_shrinks()
    {
        using (var session = new FileUidStore(StorePath).Open())
        {
            foreach (var uid in new[] { "a", "b", "c", "d" })
            {
                session.Record(uid, s_t0);
            }

            session.Retain(["b", "d", "never-recorded"]);
            Assert.That(session.Seen.Keys, Is.EquivalentTo(new[] { "b", "d" }));
            session.Record("e", s_t0);
        }

        using var again = new FileUidStore(StorePath).Open();
        Assert.That(again.Seen.Keys, Is.EquivalentTo(new[] { "b", "d", "e" }));
        Assert.That(File.ReadAllLines(StorePath), Has.Length.EqualTo(4));
        Assert.That(File.Exists(StorePath + ".tmp"), Is.False);
    }

    [Test]
    public void A_temp_file_left_by_a_crash_while_pruning_is_ignored_and_removed()
    {
        using (var session = new FileUidStore(StorePath).Open())
        {
            session.Record("a", s_t0);
        }

        File.WriteAllText(StorePath + ".tmp", "NetComm UID store 1\n");
        using var again = new FileUidStore(StorePath).Open();
        Assert.That(again.Seen.Keys, Is.EqualTo(new[] { "a" }));
        Assert.That(File.Exists(StorePath + ".tmp"), Is.False);
    }

    [TestCase("")]
    [TestCase("has space")]
    [TestCase("tab\there")]
    [TestCase("é")]
    public void An_id_that_is_no_pop3_unique_id_is_refused(string uid)
    {
        using var session = new FileUidStore(StorePath).Open();
        Assert.Throws<ArgumentException>(() => session.Record(uid, s_t0));
        Assert.Throws<ArgumentException>(() => session.Record(new string('x', 256), s_t0));
        session.Record(new string('x', 255), s_t0);
        Assert.That(session.Seen, Has.Count.EqualTo(1), "over RFC 1939's 70 but within what the UIDL parser takes");
        Assert.That(File.ReadAllText(StorePath, Encoding.ASCII), Is.EqualTo($"NetComm UID store 1\n{new string('x', 255)} {s_t0.ToUnixTimeMilliseconds()}\n"));
    }
}
