using System;
using System.Collections.Generic;

namespace NetComm.Pop3;

/// <summary>
/// Where <see cref="Pop3Mailbox"/> remembers the unique ids (UIDL) of the messages it has handed over, so that a
/// later sync hands over only new ones. <see cref="FileUidStore"/> is the durable default; implement this to keep
/// the ids elsewhere (a database table next to the data the handler writes, for example).
/// </summary>
/// <remarks>
/// The methods are synchronous on purpose: a sync records each id right after its handler returns and before the
/// next message is handed over, and both the blocking and the asynchronous sync call the store from the same
/// engine, which must never block on a task. A durable local write (fsync) has no useful asynchronous form.
/// </remarks>
public interface IUidStore
{
    /// <summary>
    /// Opens the store for one sync and holds it exclusively until the returned object is disposed.
    /// </summary>
    /// <returns>The store's content and the means to change it.</returns>
    /// <exception cref="UidStoreLockedException">Another sync holds the store (in this process or another).</exception>
    IUidStoreSession Open();
}

/// <summary>
/// A <see cref="IUidStore"/> opened for one sync. Every change must be durable when its method returns: that
/// is the acknowledgement <see cref="Pop3Mailbox"/> relies on before handing over the next message or sending QUIT.
/// </summary>
public interface IUidStoreSession : IDisposable
{
    /// <summary>The ids recorded so far, each with the time the store first recorded it.</summary>
    IReadOnlyDictionary<string, DateTimeOffset> Seen { get; }

    /// <summary>Records <paramref name="uid"/> as handed over, durably, before returning.</summary>
    /// <param name="uid">The server's unique id (printable ASCII without spaces: 1 to 70 characters by RFC 1939, up to 255 taken).</param>
    /// <param name="firstSeen">When it was handed over; the age that deletion after N days counts from.</param>
    void Record(string uid, DateTimeOffset firstSeen);

    /// <summary>Forgets every id but <paramref name="uids"/> (the ones still on the server), durably, before returning.</summary>
    /// <param name="uids">The ids to keep; ids in it that were never recorded are ignored.</param>
    void Retain(IReadOnlyCollection<string> uids);
}
