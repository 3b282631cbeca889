namespace NetComm.Pop3;

/// <summary>The STAT reply: how many messages the maildrop holds (not counting those marked for deletion) and their total size.</summary>
/// <param name="Count">Number of messages.</param>
/// <param name="TotalSize">Their total size in octets.</param>
public readonly record struct Pop3Stat(int Count, long TotalSize);

/// <summary>One LIST line: a message and its size.</summary>
/// <param name="Number">The message number, 1-based as the protocol numbers messages; valid for this session only.</param>
/// <param name="Size">The size in octets as the server counts it (with CRLF line ends).</param>
public readonly record struct Pop3ListEntry(int Number, long Size);

/// <summary>One UIDL line: a message and its unique id, which stays the same across sessions (unlike the number).</summary>
/// <param name="Number">The message number, 1-based; valid for this session only.</param>
/// <param name="Uid">The server's unique id for the message (printable ASCII).</param>
public readonly record struct Pop3UidEntry(int Number, string Uid);

/// <summary>LIST and UIDL merged: what a client needs to decide which messages to download.</summary>
/// <param name="Number">The message number, 1-based; valid for this session only.</param>
/// <param name="Size">The size in octets.</param>
/// <param name="Uid">The unique id, or null when the server does not support UIDL.</param>
public readonly record struct Pop3MessageInfo(int Number, long Size, string? Uid);
