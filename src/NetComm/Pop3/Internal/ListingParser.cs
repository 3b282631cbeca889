using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Text;
using NetComm.Mail;

namespace NetComm.Pop3.Internal;

/// <summary>
/// Parses STAT replies and LIST/UIDL lines strictly: a line that does not start with a message number and a
/// size (or a unique id) is a protocol error, since guessing would put the wrong message behind a number.
/// </summary>
internal static class ListingParser
{
    /// <summary>RFC 1939 allows 70 characters; some servers use more, so a little room is left.</summary>
    private const int MaxUidLength = 255;

    public static Pop3Stat ParseStat(string text)
    {
        var words = text.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 2
            && int.TryParse(words[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            && long.TryParse(words[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
        {
            return new Pop3Stat(count, size);
        }

        throw new MailProtocolException($"The POP3 server's STAT reply is not \"count size\": \"+OK {text}\".");
    }

    /// <summary>"n size [anything]" (RFC 1939 lets servers add information after the size).</summary>
    public static Pop3ListEntry ParseListEntry(ReadOnlySpan<byte> line, string command)
    {
        if (TryNumber(ref line, out var number) && Utf8Parser.TryParse(line, out long size, out var used) && size >= 0
            && (used == line.Length || line[used] == ' '))
        {
            return new Pop3ListEntry(number, size);
        }

        throw Malformed(command, line);
    }

    /// <summary>"n uid", the uid printable ASCII without spaces.</summary>
    public static Pop3UidEntry ParseUidEntry(ReadOnlySpan<byte> line, string command)
    {
        var whole = line;
        if (TryNumber(ref line, out var number))
        {
            var end = line.IndexOf((byte)' ');
            var uid = end < 0 ? line : line[..end];
            if (uid.Length is > 0 and <= MaxUidLength && IsPrintable(uid))
            {
                return new Pop3UidEntry(number, Encoding.ASCII.GetString(uid));
            }
        }

        throw Malformed(command, whole);
    }

    /// <summary>
    /// STAT and LIST/UIDL describe the same locked maildrop, so they must agree on the number of messages;
    /// when they do not, message numbers cannot be trusted and the session is given up as a protocol error.
    /// Numbers must also rise strictly, as RFC 1939 lists them.
    /// </summary>
    public static void CheckAgainstStat(Pop3Stat stat, IReadOnlyList<int> numbers, string command)
    {
        if (numbers.Count != stat.Count)
        {
            throw new MailProtocolException(
                $"The POP3 server's {command} listed {numbers.Count} message(s) but its STAT said {stat.Count}: the maildrop listing is inconsistent, " +
                "so message numbers cannot be trusted. The connection was closed; nothing was deleted.");
        }

        for (var i = 0; i < numbers.Count; i++)
        {
            if (numbers[i] < 1 || (i > 0 && numbers[i] <= numbers[i - 1]))
            {
                throw new MailProtocolException($"The POP3 server's {command} lists message numbers out of order or repeated ({numbers[i]} at position {i + 1}).");
            }
        }
    }

    private static bool TryNumber(ref ReadOnlySpan<byte> line, out int number)
    {
        if (Utf8Parser.TryParse(line, out number, out var used) && number >= 1 && used < line.Length && line[used] == ' ')
        {
            line = line[(used + 1)..].TrimStart((byte)' ');
            return line.Length > 0;
        }

        return false;
    }

    private static bool IsPrintable(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (b is < 0x21 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    private static MailProtocolException Malformed(string command, ReadOnlySpan<byte> line)
        => new($"The POP3 server sent a malformed {command} line: \"{Pop3Reply.Shorten(line)}\".");
}
