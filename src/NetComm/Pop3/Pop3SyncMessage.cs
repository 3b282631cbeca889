using System.IO;

namespace NetComm.Pop3;

/// <summary>
/// A message <see cref="Pop3Mailbox"/> hands to the sync's handler: its ids and its content as it arrives.
/// Public constructor: tests can call a handler directly.
/// </summary>
/// <param name="Uid">The server's unique id (UIDL), the same in every session: use it as the key that makes the handler idempotent.</param>
/// <param name="Number">The message number in this session, 1-based.</param>
/// <param name="Size">The size LIST reported, in octets.</param>
/// <param name="Content">
/// The raw RFC 5322 message, dot-unstuffed, read from the connection as it is read (parse it with
/// <c>MimeMessage.Load(Content)</c> or copy it). Valid only while the handler runs; what it leaves unread is skipped.
/// </param>
public sealed record Pop3SyncMessage(string Uid, int Number, long Size, Stream Content);
