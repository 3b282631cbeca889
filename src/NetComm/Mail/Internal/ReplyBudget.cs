using System;

namespace NetComm.Mail.Internal;

/// <summary>
/// How much one server reply may hold, fitted to what the reply is: a status line is one line, a greeting or a
/// capability list is small, a listing grows with the number of messages, and message content is bounded only by
/// time (its size is the user's business, and it is streamed, never held).
/// </summary>
internal readonly record struct ReplyBudget(int MaxLines, long MaxBytes)
{
    /// <summary>No bound but time: message content, which is streamed.</summary>
    public static ReplyBudget Content => new(int.MaxValue, long.MaxValue);

    /// <summary>Bytes allowed per line of a listing ("n size" or "n unique-id": RFC 1939 caps a unique-id at 70 octets).</summary>
    private const int ListingLineBytes = 256;

    /// <summary>One status line, such as POP3's +OK/-ERR.</summary>
    public static ReplyBudget StatusLine(int maxLineLength) => new(1, maxLineLength);

    /// <summary>
    /// A listing expected to hold <paramref name="entries"/> lines (LIST, UIDL after STAT): twice that plus a little,
    /// so that a listing which merely disagrees with STAT is reported as such, while a flood is stopped early.
    /// </summary>
    public static ReplyBudget Listing(int entries)
    {
        // In long arithmetic: a STAT count near int.MaxValue must not wrap into a negative budget.
        var lines = (2L * Math.Max(entries, 0)) + 16;
        return new((int)Math.Min(lines, int.MaxValue), lines * ListingLineBytes);
    }
}
