using System;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Pop3.Internal;
using Need = NetComm.Mail.Internal.MailSessionGate.Need;

namespace NetComm.Pop3;

public sealed partial class Pop3Client
{
    /// <summary>How long disposing waits for each reply: a dead server must not hold up a <c>using</c> block for the full command timeout.</summary>
    private static readonly TimeSpan s_disposeReplyTimeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public void Commit(CancellationToken cancellationToken = default)
        => _gate.Run(Need.Open, null, t => _session!.QuitAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task CommitAsync(CancellationToken cancellationToken = default)
        => _gate.RunAsync(Need.Open, null, t => _session!.QuitAsync<AsyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public void Abandon(CancellationToken cancellationToken = default)
        => _gate.Run(Need.Any, null, t => AbandonAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task AbandonAsync(CancellationToken cancellationToken = default)
        => _gate.RunAsync(Need.Any, null, t => AbandonAsync<AsyncIo>(t), cancellationToken);

    /// <summary>
    /// Closes the connection without QUIT, so the server deletes nothing (RFC 1939 section 6). For a layer on top
    /// that must not commit deletions after a failure of its own; call it between operations only.
    /// </summary>
    internal void Drop() => _session?.Close();

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
        if (!_gate.TryEnter())
        {
            // Another thread is inside an operation: closing the socket is all that can be done safely.
            _session?.Close();
            return;
        }

        try
        {
            var session = _session;
            if (session is not { IsClosed: false })
            {
                return;
            }

            session.Connection.CapTimeouts(s_disposeReplyTimeout);
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

            await AbandonAsync<TIo>(default).ConfigureAwait(false);
            Pop3Log.DisposedWithPendingDeletions(_logger, _options.Host, pending, action, "abandoned; nothing was deleted");
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// RSET then QUIT; if RSET fails the connection is closed without QUIT, which per RFC 1939 section 6 does
    /// not enter the UPDATE state, so nothing is deleted either way. Never throws.
    /// </summary>
    private async ValueTask AbandonAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        var session = _session;
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
            await step(session).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            session.Close();
            return e;
        }
    }
}
