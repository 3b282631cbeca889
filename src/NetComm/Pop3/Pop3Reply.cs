using System;
using System.Text;
using NetComm.Mail;

namespace NetComm.Pop3;

/// <summary>One POP3 status line: <c>+OK text</c> or <c>-ERR [CODE] text</c> (the greeting is one).</summary>
/// <param name="IsOk">Whether the line is <c>+OK</c>.</param>
/// <param name="Text">The text after <c>+OK</c> or <c>-ERR</c>.</param>
/// <param name="ResponseCode">The RFC 2449 response code of a <c>-ERR</c> (for example <c>IN-USE</c>), upper-cased, or null.</param>
public readonly record struct Pop3Reply(bool IsOk, string Text, string? ResponseCode)
{
    /// <summary>The line as the server sent it, without CRLF.</summary>
    public override string ToString() => (IsOk ? "+OK" : "-ERR") + (Text.Length > 0 ? " " + Text : "");

    /// <summary>Parses a status line; anything but +OK/-ERR is a protocol error (the caller closes the connection).</summary>
    internal static Pop3Reply Parse(ReadOnlySpan<byte> line, string command)
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
    internal Pop3CommandException ToException(string shownCommand, int? messageNumber = null, bool endsSession = false)
        => new($"The POP3 server refused {shownCommand}: -ERR {Text}")
        {
            EndsSession = endsSession,
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
