using NetComm.Tests.Support;
using NetComm.Transport.Internal;

namespace NetComm.Tests.Transport;

/// <summary>The per-operation timeout of asynchronous reads and writes, armed on one kept source instead of a new one each time.</summary>
[TestFixture]
public class ReusableDeadlineTests
{
    [Test]
    public void Operations_without_a_caller_token_share_one_source_rearmed_each_time()
    {
        using var deadline = new ReusableDeadline();
        var token = CancellationToken.None;
        var first = deadline.Start(Timeouts.Wait, ref token);
        Assert.That(token, Is.EqualTo(first!.Token));
        deadline.End(first);

        var next = CancellationToken.None;
        var second = deadline.Start(Timeouts.Wait, ref next);

        Assert.That(second, Is.SameAs(first));
        Assert.That(next.IsCancellationRequested, Is.False);
        deadline.End(second);
    }

    [Test]
    public void A_deadline_that_fired_is_not_reused()
    {
        using var deadline = new ReusableDeadline();
        var token = CancellationToken.None;
        var fired = deadline.Start(TimeSpan.FromMilliseconds(1), ref token);
        Assert.That(token.WaitHandle.WaitOne(Timeouts.Wait), Is.True, "the deadline fires");
        deadline.End(fired);

        var next = CancellationToken.None;
        var fresh = deadline.Start(Timeouts.Wait, ref next);

        Assert.That(fresh, Is.Not.SameAs(fired));
        Assert.That(next.IsCancellationRequested, Is.False, "the next operation gets its full time");
        deadline.End(fresh);
    }

    [Test]
    public void A_callers_token_gets_a_linked_source_of_its_own_that_its_cancellation_reaches()
    {
        using var deadline = new ReusableDeadline();
        using var caller = new CancellationTokenSource();
        var token = caller.Token;
        var linked = deadline.Start(Timeouts.Wait, ref token);

        caller.Cancel();

        Assert.That(token.IsCancellationRequested, Is.True);
        Assert.That(linked!.IsCancellationRequested, Is.True);
        deadline.End(linked);

        var next = CancellationToken.None;
        var kept = deadline.Start(Timeouts.Wait, ref next);
        Assert.That(kept, Is.Not.SameAs(linked), "a linked source is never kept");
        deadline.End(kept);
    }

    [Test]
    public void No_timeout_arms_nothing()
    {
        using var deadline = new ReusableDeadline();
        var token = CancellationToken.None;

        Assert.That(deadline.Start(Timeout.InfiniteTimeSpan, ref token), Is.Null);
        Assert.That(token.CanBeCanceled, Is.False);
    }
}
