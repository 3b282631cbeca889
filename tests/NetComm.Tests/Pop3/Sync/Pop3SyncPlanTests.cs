using NetComm.Pop3;
using NetComm.Pop3.Internal;

namespace NetComm.Tests.Pop3.Sync;

/// <summary>The pure decisions of a sync: what is new, what a duplicated id gets, what is old enough to delete.</summary>
[TestFixture]
public class Pop3SyncPlanTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 10, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void Recorded_ids_are_skipped_and_the_rest_are_new_in_message_order()
    {
        var plan = Pop3SyncPlan.Create([new(1, 10, "a"), new(2, 20, "b"), new(3, 30, "c")], new Dictionary<string, DateTimeOffset> { ["b"] = s_now, ["gone"] = s_now });

        Assert.That(plan.New.Select(m => m.Uid), Is.EqualTo(new[] { "a", "c" }));
        Assert.That(plan.AlreadySeen, Is.EqualTo(1));
        Assert.That(plan.UniqueUids, Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void A_second_message_with_the_same_id_is_neither_handed_over_nor_deleted()
    {
        var plan = Pop3SyncPlan.Create([new(1, 10, "a"), new(2, 20, "a"), new(3, 30, "b")], new Dictionary<string, DateTimeOffset>());

        Assert.That(plan.New.Select(m => m.Number), Is.EqualTo(new[] { 1, 3 }));
        var recorded = new Dictionary<string, DateTimeOffset> { ["a"] = s_now.AddDays(-30), ["b"] = s_now.AddDays(-30) };
        var old = plan.ToDelete(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterAge, DeleteAfter = TimeSpan.FromDays(1) }, recorded, s_now);
        Assert.That(old, Is.EqualTo(new[] { 1, 3 }));
    }

    [Test]
    public void Deletion_picks_by_the_option()
    {
        Pop3MessageInfo[] listing = [new(1, 10, "a"), new(2, 20, "b"), new(3, 30, "c")];
        var plan = Pop3SyncPlan.Create(listing, new Dictionary<string, DateTimeOffset>());
        var recorded = new Dictionary<string, DateTimeOffset> { ["a"] = s_now.AddDays(-14), ["b"] = s_now.AddDays(-14).AddTicks(1), ["c"] = s_now };

        Assert.That(plan.ToDelete(new Pop3SyncOptions(), recorded, s_now), Is.Empty, "leave on server");
        Assert.That(plan.ToDelete(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled }, recorded, s_now), Is.EqualTo(new[] { 1, 2, 3 }), "every recorded one, whenever it was handed over");
        Assert.That(plan.ToDelete(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterHandled }, new Dictionary<string, DateTimeOffset> { ["b"] = s_now }, s_now), Is.EqualTo(new[] { 2 }), "never one that was not recorded");
        Assert.That(plan.ToDelete(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterAge }, recorded, s_now), Is.EqualTo(new[] { 1 }), "exactly 14 days is old enough, a tick less is not");
        Assert.That(plan.ToDelete(new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterAge, DeleteAfter = TimeSpan.Zero }, recorded, s_now), Is.EqualTo(new[] { 1, 2, 3 }));
    }
}
