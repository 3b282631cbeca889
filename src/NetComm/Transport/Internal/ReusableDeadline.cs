using System;
using System.Threading;

namespace NetComm.Transport.Internal;

/// <summary>
/// The timeout of one asynchronous read (or write) at a time, on a cancellation source kept for the connection's
/// life and re-armed for each operation. A fresh linked source and timer per operation cost more than the TLS
/// record they wait for: a 20 MB download makes thousands of reads. A caller's cancellable token still gets a linked
/// source of its own, since its cancellation must reach the operation too.
/// </summary>
internal sealed class ReusableDeadline : IDisposable
{
    private CancellationTokenSource? _source;

    /// <summary>
    /// Arms the deadline and replaces <paramref name="token"/> with one that also ends at it. Returns the source to
    /// ask whether the deadline fired, and to hand back to <see cref="End"/>; null when there is no deadline.
    /// </summary>
    public CancellationTokenSource? Start(TimeSpan timeout, ref CancellationToken token)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        CancellationTokenSource source;
        if (token.CanBeCanceled)
        {
            source = CancellationTokenSource.CreateLinkedTokenSource(token);
        }
        else if (_source is { } kept && kept.TryReset())
        {
            source = kept;
        }
        else
        {
            // First use, or the last deadline fired (a cancelled source cannot be reset).
            _source?.Dispose();
            source = _source = new CancellationTokenSource();
        }

        source.CancelAfter(timeout);
        token = source.Token;
        return source;
    }

    /// <summary>The operation is over: disarms the kept source's timer (an idle connection wakes nothing), disposes a linked one.</summary>
    public void End(CancellationTokenSource? source)
    {
        if (source is null)
        {
            return;
        }

        if (ReferenceEquals(source, _source))
        {
            source.TryReset();
        }
        else
        {
            source.Dispose();
        }
    }

    /// <summary>Releases the kept source; an operation still running when the connection is disposed disposes its own in <see cref="End"/>.</summary>
    public void Dispose() => Interlocked.Exchange(ref _source, null)?.Dispose();
}
