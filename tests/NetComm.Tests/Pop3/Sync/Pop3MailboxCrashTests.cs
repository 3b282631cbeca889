using NetComm.Pop3;
using NetComm.Pop3.Internal;
using NetComm.Tests.Pop3.Fixtures;

namespace NetComm.Tests.Pop3.Sync;

/// <summary>
/// A crash at every point where FileUidStore touches the disk (before each write, flush and rename; after it; and in
/// the middle of each write, leaving half a line), then a sync that runs to the end: no message is lost, none is
/// deleted before its id was durable, and at most the one being recorded at the crash is handed over twice.
/// </summary>
[TestFixture]
public class Pop3MailboxCrashTests
{
    private const int Messages = 4;

    /// <summary>Every crash point of a first sync that hands over four messages and deletes them (the strictest setting).</summary>
    public static IEnumerable<TestCaseData> CrashPoints()
    {
        var calls = CountCalls();
        for (var call = 1; call <= calls.Count; call++)
        {
            foreach (var when in new[] { CrashWhen.Before, CrashWhen.After })
            {
                yield return new TestCaseData(call, when).SetArgDisplayNames($"{calls[call - 1]} #{call}", when.ToString());
            }

            if (calls[call - 1] == nameof(UidStoreFileSystem.Write))
            {
                yield return new TestCaseData(call, CrashWhen.Torn).SetArgDisplayNames($"{calls[call - 1]} #{call}", nameof(CrashWhen.Torn));
            }
        }
    }

    [TestCaseSource(nameof(CrashPoints))]
    public async Task No_message_is_lost_or_repeated_beyond_the_one_being_recorded(int call, CrashWhen when)
    {
        foreach (var mode in new[] { IoMode.Sync, IoMode.Async })
        {
            using var fixture = new SyncFixture(Messages);
            var uids = fixture.Maildrop.Messages.Select(m => m.Uid).ToArray();
            var crashing = new CrashingFileSystem(call, when);
            var options = new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled };

            Assert.That(
                async () => await fixture.Sync(mode, fixture.Mailbox(options, new FileUidStore(fixture.StorePath, crashing))),
                Throws.TypeOf<SimulatedCrashException>());
            var onServerAfterCrash = fixture.Maildrop.Messages.Select(m => m.Uid).ToHashSet();
            var deliveredBeforeCrash = fixture.Delivered.ToHashSet();
            Assert.That(uids.Where(u => !onServerAfterCrash.Contains(u)), Is.SubsetOf(deliveredBeforeCrash), "only messages handed over were deleted");

            var result = await fixture.Sync(mode, fixture.Mailbox(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled }));

            Assert.That(result.Failures, Is.Empty);
            Assert.That(fixture.Delivered.Distinct(), Is.EquivalentTo(uids), $"{mode}: nothing lost");
            var twice = fixture.Delivered.GroupBy(u => u).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
            Assert.That(twice, Has.Length.LessThanOrEqualTo(1), $"{mode}: at most one message handed over twice");
            if (twice.Length == 1)
            {
                Assert.That(crashing.RecordingAtCrash, Is.EqualTo(twice[0]), $"{mode}: the repeated one is the one whose record the crash interrupted");
            }

            Assert.That(fixture.Maildrop.Count, Is.Zero, $"{mode}: all deleted in the end");
            Assert.That(fixture.Stored(), Is.Empty, $"{mode}: and forgotten");
        }
    }

    /// <summary>The file operations of a clean first sync, in order.</summary>
    private static List<string> CountCalls()
    {
        using var fixture = new SyncFixture(Messages);
        var recording = new CrashingFileSystem(int.MaxValue, CrashWhen.Before);
        var result = fixture.Sync(IoMode.Sync, fixture.Mailbox(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled }, new FileUidStore(fixture.StorePath, recording))).GetAwaiter().GetResult();
        Assert.That(result.Deleted, Is.EqualTo(Messages));
        return recording.Calls;
    }

    public enum CrashWhen
    {
        Before,
        Torn,
        After,
    }

    /// <summary>The process dies here; nothing after it runs (the test only lets the finally blocks close handles, as the OS would).</summary>
    public sealed class SimulatedCrashException : Exception
    {
        public SimulatedCrashException(string message) : base(message)
        {
        }
    }

    private sealed class CrashingFileSystem(int crashAt, CrashWhen when) : UidStoreFileSystem
    {
        public List<string> Calls { get; } = [];

        /// <summary>The id whose line was being written or flushed when the crash came, if any.</summary>
        public string? RecordingAtCrash { get; private set; }

        private string? _lastLine;

        public override void Write(FileStream file, ReadOnlySpan<byte> bytes)
        {
            _lastLine = System.Text.Encoding.ASCII.GetString(bytes);
            var crash = Step(nameof(Write), file);
            if (crash && when == CrashWhen.Torn)
            {
                base.Write(file, bytes[..(bytes.Length / 2)]);
            }

            if (!crash || when == CrashWhen.After)
            {
                base.Write(file, bytes);
            }

            if (crash)
            {
                throw new SimulatedCrashException($"crash {when} write #{crashAt}");
            }
        }

        public override void Flush(FileStream file)
        {
            var crash = Step(nameof(Flush), file);
            if (!crash || when == CrashWhen.After)
            {
                base.Flush(file);
            }

            if (crash)
            {
                throw new SimulatedCrashException($"crash {when} flush #{crashAt}");
            }
        }

        public override void Move(string source, string destination)
        {
            var crash = Step(nameof(Move), null);
            if (!crash || when == CrashWhen.After)
            {
                base.Move(source, destination);
            }

            if (crash)
            {
                throw new SimulatedCrashException($"crash {when} move #{crashAt}");
            }
        }

        private bool Step(string name, FileStream? file)
        {
            Calls.Add(name);
            if (Calls.Count != crashAt)
            {
                return false;
            }

            // A log line (not the temp file of a prune or of the store's creation) names the id being recorded.
            if (file is not null && !file.Name.EndsWith(".tmp", StringComparison.Ordinal) && _lastLine is { } line)
            {
                RecordingAtCrash = line.Split(' ')[0];
            }

            return true;
        }
    }
}
