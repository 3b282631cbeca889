using System;
using System.IO;

namespace NetComm.Pop3.Internal;

/// <summary>
/// The three file operations whose interruption decides what <see cref="FileUidStore"/> leaves on disk. Tests derive
/// from it to stop the store at each of them, as a crash would, and check that no message is lost or handed over
/// twice beyond the documented rule.
/// </summary>
internal class UidStoreFileSystem
{
    public static readonly UidStoreFileSystem Default = new();

    public virtual void Write(FileStream file, ReadOnlySpan<byte> bytes) => file.Write(bytes);

    /// <summary>fsync: the bytes written so far survive a crash of the process and of the machine.</summary>
    public virtual void Flush(FileStream file) => file.Flush(flushToDisk: true);

    /// <summary>rename(2) over the destination: atomic, so a reader sees the old file or the new one, never a mix.</summary>
    public virtual void Move(string source, string destination) => File.Move(source, destination, overwrite: true);
}
