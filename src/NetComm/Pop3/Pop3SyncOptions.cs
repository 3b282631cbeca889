using System;

namespace NetComm.Pop3;

/// <summary>What <see cref="Pop3Mailbox"/> does with messages on the server once they have been handed over.</summary>
public enum Pop3SyncDeletion
{
    /// <summary>Nothing is deleted (the default): other clients, and a later store reset, still find every message.</summary>
    LeaveOnServer,

    /// <summary>A message is deleted in the sync whose handler accepted it (after its id was recorded durably).</summary>
    AfterHandled,

    /// <summary>A message is deleted once <see cref="Pop3SyncOptions.DeleteAfter"/> has passed since the store first recorded it.</summary>
    AfterAge,
}

/// <summary>Settings of <see cref="Pop3Mailbox"/> beyond the connection (which <see cref="Pop3ClientOptions"/> holds).</summary>
public sealed class Pop3SyncOptions
{
    /// <summary>What happens on the server to messages already handed over. Default <see cref="Pop3SyncDeletion.LeaveOnServer"/>.</summary>
    public Pop3SyncDeletion Deletion { get; set; } = Pop3SyncDeletion.LeaveOnServer;

    /// <summary>
    /// With <see cref="Pop3SyncDeletion.AfterAge"/>: how long after the store first recorded a message it is deleted.
    /// Default 14 days (zero deletes in the same sync, like <see cref="Pop3SyncDeletion.AfterHandled"/>).
    /// </summary>
    public TimeSpan DeleteAfter { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The clock the first-seen times and ages are read from. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
