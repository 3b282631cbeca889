using System;
using System.Threading;
using System.Threading.Tasks;

namespace NetComm.Pop3;

/// <summary>
/// A mailbox polled for the messages not handed over yet: each sync connects, logs in, asks UIDL, hands every
/// message whose unique id the <see cref="IUidStore"/> has not recorded to a handler, records it, and ends with QUIT.
/// </summary>
/// <remarks>
/// <para><b>Delivery is at least once.</b> A message's id is recorded durably right after its handler returns and
/// before the next message is handed over; deletions (if configured) are sent only after that, and take effect with
/// QUIT. A crash between the handler's return and the record hands that one message over again in the next sync;
/// nothing is ever lost. Make the handler idempotent by keying what it writes on <see cref="Pop3SyncMessage.Uid"/>.</para>
/// <para><b>Failures.</b> A handler that throws fails that message only (<see cref="Pop3SyncResult.Failures"/>; it is
/// tried again next sync), unless the exception came from the connection or the token. Anything else (no UIDL:
/// <see cref="Pop3UidlUnavailableException"/>; a store that cannot record; a broken connection; cancellation) stops
/// the sync and drops the connection without QUIT, so nothing is deleted; what was recorded stays recorded.</para>
/// </remarks>
public interface IPop3Mailbox
{
    /// <summary>Hands every message not seen yet to <paramref name="handler"/>, in message order, one at a time.</summary>
    /// <param name="handler">Called once per new message; its return is the acknowledgement that gets the id recorded.</param>
    /// <param name="cancellationToken">Stops the sync; what was recorded stays recorded, nothing is deleted.</param>
    /// <returns>What was handed over, skipped, deleted and pruned, and the per-message failures.</returns>
    /// <exception cref="UidStoreLockedException">Another sync holds the store.</exception>
    /// <exception cref="Pop3UidlUnavailableException">The server refused UIDL.</exception>
    Pop3SyncResult Sync(Action<Pop3SyncMessage> handler, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="Sync"/>
    /// <param name="handler">Called once per new message with the sync's token; its completion is the acknowledgement that gets the id recorded.</param>
    /// <param name="cancellationToken">Stops the sync; what was recorded stays recorded, nothing is deleted.</param>
    Task<Pop3SyncResult> SyncAsync(Func<Pop3SyncMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default);
}
