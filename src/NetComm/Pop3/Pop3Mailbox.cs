using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Pop3.Internal;

namespace NetComm.Pop3;

/// <summary>
/// The layer a polling worker calls: "hand me the messages I have not seen yet". Each sync is one POP3 session
/// (connect, log in, STAT + LIST + UIDL in one round trip, the new messages' RETRs pipelined, DELE if configured,
/// QUIT) over a new <see cref="Pop3Client"/>; the <see cref="IUidStore"/> remembers what was handed over.
/// See <see cref="IPop3Mailbox"/> for the delivery rule.
/// </summary>
/// <remarks>
/// <para><b>Unique ids</b> (RFC 1939 section 7) are taken as the server promises them: unique in the maildrop and the
/// same in every session. A recorded id is never handed over again while it stays on the server, even if the
/// message's content changed. An id that leaves the server is forgotten after the next successful sync (so the
/// store stays as small as the maildrop); if it ever comes back, it is a new message. A server whose ids are all
/// regenerated (a rebuilt maildrop) looks like a maildrop of new messages: everything is handed over again.
/// An id listed twice in one UIDL breaks the promise: the first such message is handed over, the others are left
/// alone (neither handed over nor deleted).</para>
/// <para>Thread-safe: syncs of one store at once (through this mailbox or another, in this process or another) are
/// refused with <see cref="UidStoreLockedException"/> rather than interleaved.</para>
/// </remarks>
public sealed class Pop3Mailbox : IPop3Mailbox
{
    private readonly Pop3ClientOptions _options;
    private readonly MailCredentials _credentials;
    private readonly IUidStore _store;
    private readonly Pop3SyncOptions _syncOptions;
    private readonly ILogger _logger;

    /// <summary>Creates a mailbox; nothing happens on the network or the store until a sync.</summary>
    /// <param name="options">The connection, as for <see cref="Pop3Client"/> (its transcript and logger are used too).</param>
    /// <param name="credentials">The login.</param>
    /// <param name="store">Where the handed-over ids are kept, such as a <see cref="FileUidStore"/>.</param>
    /// <param name="syncOptions">Deletion and clock; null for the defaults (leave everything on the server).</param>
    public Pop3Mailbox(Pop3ClientOptions options, MailCredentials credentials, IUidStore store, Pop3SyncOptions? syncOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(store);
        _options = options;
        _credentials = credentials;
        _store = store;
        _syncOptions = syncOptions ?? new Pop3SyncOptions();
        _logger = options.Logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public Pop3SyncResult Sync(Action<Pop3SyncMessage> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return SyncAsync<SyncIo>(
            (message, _) =>
            {
                handler(message);
                return default;
            },
            cancellationToken).Complete();
    }

    /// <inheritdoc />
    public Task<Pop3SyncResult> SyncAsync(Func<Pop3SyncMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return SyncAsync<AsyncIo>(handler, cancellationToken).AsTask();
    }

    private async ValueTask<Pop3SyncResult> SyncAsync<TIo>(Func<Pop3SyncMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
        where TIo : IIo
    {
        _options.EnsureUsable();
        var credentials = MailCredentials.Sendable(_credentials);
        ArgumentOutOfRangeException.ThrowIfLessThan(_syncOptions.DeleteAfter, TimeSpan.Zero, nameof(Pop3SyncOptions.DeleteAfter));
        ArgumentNullException.ThrowIfNull(_syncOptions.TimeProvider, nameof(Pop3SyncOptions.TimeProvider));
        cancellationToken.ThrowIfCancellationRequested();
        var now = _syncOptions.TimeProvider.GetUtcNow();

        // The store first: a second sync is refused before it touches the server.
        using var store = _store.Open();
        var client = new Pop3Client(_options);
        try
        {
            await IoDispatch.CallAsync<TIo>(() => client.Connect(cancellationToken), () => client.ConnectAsync(cancellationToken)).ConfigureAwait(false);
            await IoDispatch.CallAsync<TIo>(() => client.Authenticate(credentials, cancellationToken), () => client.AuthenticateAsync(credentials, cancellationToken)).ConfigureAwait(false);
            var listing = await ListAsync<TIo>(client, cancellationToken).ConfigureAwait(false);
            var plan = Pop3SyncPlan.Create(listing, store.Seen);

            var handled = new List<Pop3MessageInfo>();
            var failures = new List<Pop3SyncFailure>();
            if (plan.New.Count > 0)
            {
                var numbers = plan.New.Select(m => m.Number).ToArray();
                var batch = await RunAsync<TIo, Pop3BatchResult<long>>(
                    client,
                    (session, t) => session.RetrieveEachAsync<TIo>(numbers, (number, content, token) => HandOverAsync(plan.ByNumber[number], content, token), t),
                    cancellationToken).ConfigureAwait(false);
                foreach (var refusal in batch.Failures)
                {
                    Failed(plan.ByNumber[refusal.MessageNumber!.Value], refusal);
                }
            }

            var doomed = plan.ToDelete(_syncOptions, store.Seen, now);
            IReadOnlyList<int> deleted = [];
            if (doomed.Count > 0)
            {
                // A refused DELE leaves that message on the server and in the store; the others still go.
                deleted = (await RunAsync<TIo, Pop3BatchResult<int>>(client, (session, t) => session.DeleteAsync<TIo>(doomed, t), cancellationToken).ConfigureAwait(false)).Values;
            }

            // Every id handed over is durable by now, so the deletions QUIT makes cannot lose a message.
            await IoDispatch.CallAsync<TIo>(() => client.Commit(cancellationToken), () => client.CommitAsync(cancellationToken)).ConfigureAwait(false);

            var gone = deleted.Select(n => plan.ByNumber[n].Uid!).ToHashSet(StringComparer.Ordinal);
            var before = store.Seen.Count;
            store.Retain(plan.UniqueUids.Where(u => !gone.Contains(u)).ToArray());
            var result = new Pop3SyncResult
            {
                Handled = handled.Select(m => m.Uid!).ToArray(),
                AlreadySeen = plan.AlreadySeen,
                Deleted = deleted.Count,
                Pruned = before - store.Seen.Count,
                Failures = failures,
            };
            Pop3Log.SyncCompleted(_logger, _options.Host, result.New, result.AlreadySeen, result.Deleted, result.Pruned, result.Failures.Count);
            return result;

            async ValueTask HandOverAsync(Pop3MessageInfo message, System.IO.Stream content, CancellationToken token)
            {
                // Replies already buffered need no read that could notice a cancellation: no message is handed over after one.
                token.ThrowIfCancellationRequested();
                try
                {
                    await handler(new Pop3SyncMessage(message.Uid!, message.Number, message.Size, content), token).ConfigureAwait(false);
                }
                catch (Exception e) when (!token.IsCancellationRequested && content is not Pop3MessageStream { ConnectionFailed: true })
                {
                    // The handler's own failure (its disk, its parser): this message only; it is not recorded, so it comes again.
                    Failed(message, e);
                    return;
                }

                // The acknowledgement: durable before the next message is handed over. If it fails, the sync stops here.
                store.Record(message.Uid!, now);
                handled.Add(message);
            }

            void Failed(Pop3MessageInfo message, Exception error)
            {
                failures.Add(new Pop3SyncFailure(message.Uid!, message.Number, error));
                Pop3Log.SyncMessageFailed(_logger, _options.Host, message.Uid!, message.Number, error);
            }
        }
        finally
        {
            // After a failure: without QUIT the server deletes nothing (RFC 1939 section 6), so a failed sync never
            // costs a message. After QUIT the connection is already closed and this does nothing.
            client.Drop();

            await IoDispatch.CallAsync<TIo>(client.Dispose, () => client.DisposeAsync().AsTask()).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one engine operation under the client's session rules (its gate), in the form <typeparamref name="TIo"/> says.</summary>
    private static ValueTask<T> RunAsync<TIo, T>(Pop3Client client, Func<Pop3Session, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
        where TIo : IIo
        => IoDispatch.CallAsync<TIo, T>(() => client.Run(operation, cancellationToken), () => client.RunAsync(operation, cancellationToken));

    /// <summary>STAT, LIST and UIDL in one round trip when pipelining; a refused UIDL ends the sync with its reply.</summary>
    private async ValueTask<IReadOnlyList<Pop3MessageInfo>> ListAsync<TIo>(Pop3Client client, CancellationToken cancellationToken)
        where TIo : IIo
    {
        try
        {
            return await RunAsync<TIo, IReadOnlyList<Pop3MessageInfo>>(client, (session, t) => session.ListMessagesAsync<TIo>(t, uidsRequired: true), cancellationToken).ConfigureAwait(false);
        }
        catch (Pop3CommandException refusal) when (refusal.Command == "UIDL")
        {
            throw new Pop3UidlUnavailableException(
                $"The POP3 server {_options.Host} refused UIDL ({refusal.ServerReply}): without unique ids a mailbox cannot be synced, " +
                "because message numbers change between sessions. Nothing was handed over or deleted; use Pop3Client with message numbers instead.",
                refusal)
            {
                ServerReply = refusal.ServerReply,
                Command = refusal.Command,
                ResponseCode = refusal.ResponseCode,
                IsTransient = refusal.IsTransient,
            };
        }
    }
}
