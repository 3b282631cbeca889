using System.Globalization;
using System.Net;
using System.Text;

namespace NetComm.Tour;

/// <summary>
/// Prints what crosses the wire, byte for byte: every payload a tutorial server or client sends or receives
/// is shown as "WHO sent N bytes to PEER: "TEXT"" (or "received N bytes from"), the text quoted with
/// C-style escapes so a newline, a control byte or a byte that is not UTF-8 is visible.
/// </summary>
internal static class Wire
{
    public static void Sent(TextWriter output, string who, EndPoint? peer, ReadOnlySpan<byte> payload)
        => output.WriteLine($"{who} sent {Bytes(payload.Length)} to {peer}: {Quote(payload)}");

    public static void Received(TextWriter output, string who, EndPoint? peer, ReadOnlySpan<byte> payload)
        => output.WriteLine($"{who} received {Bytes(payload.Length)} from {peer}: {Quote(payload)}");

    /// <summary>recv() returned b'': the peer closed its side.</summary>
    public static void EndOfStream(TextWriter output, string who, EndPoint? peer)
        => output.WriteLine($"{who} received end of stream from {peer}");

    private static string Bytes(int count) => count == 1 ? "1 byte" : $"{count} bytes";

    /// <summary>
    /// The payload between double quotes: printable UTF-8 as it is (Chinese included); backslash, quote,
    /// \r, \n, \t and other control characters escaped; bytes that are not UTF-8 as \xNN.
    /// </summary>
    public static string Quote(ReadOnlySpan<byte> payload)
    {
        var text = new StringBuilder(payload.Length + 2).Append('"');
        while (!payload.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(payload, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{payload[0]:x2}");
                payload = payload[1..];
                continue;
            }

            payload = payload[consumed..];
            switch (rune.Value)
            {
                case '\\':
                    text.Append(@"\\");
                    break;
                case '"':
                    text.Append("\\\"");
                    break;
                case '\r':
                    text.Append(@"\r");
                    break;
                case '\n':
                    text.Append(@"\n");
                    break;
                case '\t':
                    text.Append(@"\t");
                    break;
                case < 0x20 or 0x7f:
                    text.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
                    break;
                default:
                    if (Rune.IsControl(rune))
                    {
                        text.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
                    }
                    else
                    {
                        text.Append(rune.ToString());
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }
}
