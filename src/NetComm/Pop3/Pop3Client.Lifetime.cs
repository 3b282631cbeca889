using System;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Pop3.Internal;

namespace NetComm.Pop3;

public sealed partial class Pop3Client
{
    /// <summary>How long disposing waits for each reply: a dead server must not hold up a <c>using</c> block for the full command timeout.</summary>
    private static readonly TimeSpan s_disposeReplyTimeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public void Commit() => RunAsync(s => s.QuitAsync<SyncIo>(default), needsLogin: false).Complete();

    /// <inheritdoc />
    public Task CommitAsync(CancellationToken cancellationToken = default)
        => RunAsync(s => s.QuitAsync<AsyncIo>(cancellationToken), needsLogin: false).AsTask();

    /// <inheritdoc />
    public void Abandon() => AbandonAsync<SyncIo>(default).Complete();

    /// <inheritdoc />
    public Task AbandonAsync(CancellationToken cancellationToken = default) => AbandonAsync<AsyncIo>(cancellationToken).AsTask();

    /// <summary>
    /// Ends the session as <see cref="Pop3ClientOptions.OnDisposeWithPendingDeletions"/> says, logging what became
    /// of pending deletions. Never throws.
    /// </summary>
    public void Dispose() => DisposeAsync<SyncIo>().Complete();

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync() => DisposeAsync<AsyncIo>();

    private async ValueTask DisposeAsync<TIo>()
        where TIo : IIo
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            // Another thread is inside an operation: closing the socket is all that can be done safely.
            _session?.Close();
            return;
        }

        var session = _session;
        _session = null;
        Exit();
        if (session is not { IsClosed: false })
        {
            return;
        }

        var pending = session.PendingDeletions.Count;
        if (pending == 0 || !session.IsAuthenticated)
        {
            await QuietlyAsync(session, s => s.QuitAsync<TIo>(default)).ConfigureAwait(false);
            return;
        }

        var action = _options.OnDisposeWithPendingDeletions;
        if (action == Pop3DisposeAction.Commit)
        {
            var error = await QuietlyAsync(session, s => s.QuitAsync<TIo>(default)).ConfigureAwait(false);
            Pop3Log.DisposedWithPendingDeletions(_logger, _options.Host, pending, action,
                error is null ? "committed with QUIT" : $"QUIT failed, deletions may not have happened: {error.Message}");
            return;
        }

        _session = session;
        await AbandonAsync<TIo>(default).ConfigureAwait(false);
        Pop3Log.DisposedWithPendingDeletions(_logger, _options.Host, pending, action, "abandoned; nothing was deleted");
    }

    /// <summary>
    /// RSET then QUIT; if RSET fails the connection is closed without QUIT, which per RFC 1939 section 6 does
    /// not enter the UPDATE state, so nothing is deleted either way.
    /// </summary>
    private async ValueTask AbandonAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        Enter();
        var session = _session;
        _session = null;
        Exit();
        if (session is not { IsClosed: false })
        {
            return;
        }

        var pending = session.PendingDeletions.Count;
        if (pending > 0)
        {
            var reset = await QuietlyAsync(session, s => s.ResetAsync<TIo>(cancellationToken)).ConfigureAwait(false);
            if (reset is not null)
            {
                Pop3Log.DeletionsAbandoned(_logger, _options.Host, pending, "RSET failed; closed without QUIT");
                session.Close();
                return;
            }
        }

        await QuietlyAsync(session, s => s.QuitAsync<TIo>(cancellationToken)).ConfigureAwait(false);
        session.Close();
    }

    /// <summary>Runs a closing step, returning its failure instead of throwing it; the session is closed on failure.</summary>
    private static async ValueTask<Exception?> QuietlyAsync(Pop3Session session, Func<Pop3Session, ValueTask> step)
    {
        try
        {
            LimitWaits(session);
            await step(session).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            session.Close();
            return e;
        }
    }

    private static void LimitWaits(Pop3Session session)
    {
        var tcp = session.Tcp;
        if (tcp.IsDisposed)
        {
            return;
        }

        if (tcp.ReadTimeout == Timeout.InfiniteTimeSpan || tcp.ReadTimeout > s_disposeReplyTimeout)
        {
            tcp.ReadTimeout = s_disposeReplyTimeout;
        }

        if (tcp.WriteTimeout == Timeout.InfiniteTimeSpan || tcp.WriteTimeout > s_disposeReplyTimeout)
        {
            tcp.WriteTimeout = s_disposeReplyTimeout;
        }
    }
}
