namespace NetComm.Pop3;

/// <summary>What <see cref="Pop3Client.Dispose"/> does with pending deletions (see <see cref="Pop3ClientOptions.OnDisposeWithPendingDeletions"/>).</summary>
public enum Pop3DisposeAction
{
    /// <summary>Undo them (RSET, then QUIT): nothing is deleted. The safe default.</summary>
    Abandon = 0,

    /// <summary>Commit them (QUIT): the marked messages are deleted, as <see cref="Pop3Client.Commit"/> would.</summary>
    Commit,
}
