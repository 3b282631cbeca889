using System;
using System.IO;

namespace NetComm.Pop3;

/// <summary>
/// A <see cref="IUidStore"/> is already open for another sync (in this process or another): two syncs of one store
/// at once could hand the same message over twice, so the second is refused before it connects.
/// </summary>
public sealed class UidStoreLockedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public UidStoreLockedException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public UidStoreLockedException() : this("The UID store is open for another sync.") { }

    /// <summary>Creates the exception.</summary>
    public UidStoreLockedException(string message) : this(message, null) { }
}
