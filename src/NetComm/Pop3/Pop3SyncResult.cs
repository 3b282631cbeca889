using System;
using System.Collections.Generic;

namespace NetComm.Pop3;

/// <summary>
/// What one <see cref="Pop3Mailbox"/> sync did. Public setters for <c>init</c>: tests can build one for a mocked
/// <see cref="IPop3Mailbox"/>.
/// </summary>
public sealed class Pop3SyncResult
{
    /// <summary>The ids of the messages handed over and accepted by the handler in this sync (recorded in the store), in order.</summary>
    public IReadOnlyList<string> Handled { get; init; } = [];

    /// <summary>How many messages on the server the store had already recorded (not handed over again).</summary>
    public int AlreadySeen { get; init; }

    /// <summary>How many messages the server deleted when the sync ended with QUIT.</summary>
    public int Deleted { get; init; }

    /// <summary>How many ids the store forgot because their messages are no longer on the server.</summary>
    public int Pruned { get; init; }

    /// <summary>
    /// The new messages that were not handed over successfully: the handler threw, or the server refused RETR. They
    /// were not recorded, so the next sync hands them over again.
    /// </summary>
    public IReadOnlyList<Pop3SyncFailure> Failures { get; init; } = [];

    /// <summary>How many new messages were handed over and accepted (<see cref="Handled"/>'s count).</summary>
    public int New => Handled.Count;
}

/// <summary>A new message that a sync could not hand over; the next sync tries it again.</summary>
/// <param name="Uid">Its unique id.</param>
/// <param name="Number">Its number in that session.</param>
/// <param name="Error">The handler's exception, or the server's refusal (<see cref="Pop3CommandException"/>).</param>
public sealed record Pop3SyncFailure(string Uid, int Number, Exception Error);
