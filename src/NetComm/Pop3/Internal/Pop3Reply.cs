using System;
using System.Text;
using NetComm.Mail;

namespace NetComm.Pop3.Internal;

/// <summary>One POP3 status line: <c>+OK text</c> or <c>-ERR [CODE] text</c>.</summary>
internal readonly record struct Pop3Reply(bool IsOk, string Text, string? ResponseCode)
{
    /// <summary>Parses a status line; anything but +OK/-ERR is a protocol error (the caller closes the connection).</summary>
    public static Pop3Reply Parse(ReadOnlySpan<byte> line, string command)
    {
        if (StartsWithWord(line, "+OK"u8))
        {
            return new Pop3Reply(true, Rest(line, 3), null);
        }

        if (StartsWithWord(line, "-ERR"u8))
        {
            var text = Rest(line, 4);
            return new Pop3Reply(false, text, ResponseCodeOf(text));
        }

        throw new MailProtocolException($"The POP3 server answered {command} with neither +OK nor -ERR: \"{Shorten(line)}\".");
    }

    /// <summary>The refusal as the exception the public API promises.</summary>
    public Pop3CommandException ToException(string shownCommand, int? messageNumber = null)
        => new($"The POP3 server refused {shownCommand}: -ERR {Text}")
        {
            ServerReply = "-ERR " + Text,
            Command = shownCommand,
            ResponseCode = ResponseCode,
            IsTransient = Pop3ResponseCodes.IsTransient(ResponseCode),
            MessageNumber = messageNumber,
        };

    /// <summary>The bracketed code at the start of a -ERR text (RFC 2449: no spaces, levels split by '/').</summary>
    internal static string? ResponseCodeOf(string text)
    {
        if (text.Length < 3 || text[0] != '[')
        {
            return null;
        }

        var end = text.IndexOf(']', StringComparison.Ordinal);
        if (end < 2)
        {
            return null;
        }

        var code = text[1..end];
        foreach (var c in code)
        {
            if (c <= ' ' || c >= 0x7F)
            {
                return null;
            }
        }

        return code.ToUpperInvariant();
    }

    private static bool StartsWithWord(ReadOnlySpan<byte> line, ReadOnlySpan<byte> word)
        => line.Length >= word.Length
           && Ascii.EqualsIgnoreCase(line[..word.Length], word)
           && (line.Length == word.Length || line[word.Length] == (byte)' ');

    private static string Rest(ReadOnlySpan<byte> line, int start)
        => line.Length > start + 1 ? Encoding.UTF8.GetString(line[(start + 1)..]) : "";

    internal static string Shorten(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 80)]);
        return line.Length > 80 ? text + "..." : text;
    }
}
