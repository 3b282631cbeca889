using System;
using System.IO;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Pop3.Internal;
using NetComm.Transport;

namespace NetComm.Fuzz.Targets;

/// <summary>
/// Dot-unstuffing of POP3 message content: the first input byte picks the read size (1 to 32 bytes per read),
/// the second the largest segment asked for; the rest is what the server sends after +OK. The reader must
/// agree with a plain reference (lines end with CRLF only; a leading dot is dropped; "." CRLF ends), read
/// the same whatever the read and segment sizes, and stop right after the terminator.
/// </summary>
internal static class DotUnstuffingTarget
{
    public static void Run(byte[] input)
    {
        if (input.Length < 2)
        {
            return;
        }

        var content = input[2..];
        var expected = Reference(content, out var used);
        var whole = Read(content, int.MaxValue, int.MaxValue, out var leftWhole);
        var chunked = Read(content, 1 + (input[0] % 32), input[1] == 0 ? int.MaxValue : input[1], out var leftChunked);
        Check(expected, whole, "whole reads");
        Check(expected, chunked, "small reads");
        if (expected is not null && (leftWhole != content.Length - used || leftChunked != content.Length - used))
        {
            throw new FuzzFailureException($"The reader left {leftWhole} / {leftChunked} bytes after the terminator; {content.Length - used} follow it.");
        }
    }

    /// <summary>The content read through a real connection, or null when the reader reported a truncated reply.</summary>
    private static byte[]? Read(byte[] content, int chunk, int maxSegment, out int left)
    {
        var stream = new FuzzServerStream(content, chunk);
        using var connection = MailConnection.Over(new TcpConnection(stream, bufferSize: 256), FuzzSetup.Pop3(), MailProtocol.Pop3);
        using var reply = connection.BeginReply("RETR 1", TimeSpan.FromMinutes(1), ReplyBudget.Content);
        var reader = new DotUnstuffingReader(connection, "message 1");
        var output = new MemoryStream();
        left = 0;
        try
        {
            while (true)
            {
                var segment = reader.ReadSegmentAsync<SyncIo>(maxSegment, default).Complete();
                if (segment.IsEmpty)
                {
                    break;
                }

                if (segment.Length > maxSegment)
                {
                    throw new FuzzFailureException($"A segment of {segment.Length} bytes was handed out where at most {maxSegment} were asked for.");
                }

                output.Write(segment.Span);
            }
        }
        catch (MailProtocolException)
        {
            return null;
        }

        if (output.Length != reader.ContentBytes)
        {
            throw new FuzzFailureException($"ContentBytes says {reader.ContentBytes} but {output.Length} bytes were handed out.");
        }

        left = connection.Buffered.Length + (content.Length - (int)connection.Tcp.BytesReceived);
        return output.ToArray();
    }

    /// <summary>RFC 1939 section 3, line by line; null when the terminator never comes.</summary>
    private static byte[]? Reference(byte[] content, out int used)
    {
        var output = new MemoryStream();
        var position = 0;
        used = 0;
        while (true)
        {
            var line = content.AsSpan(position);
            if (line.StartsWith(".\r\n"u8))
            {
                used = position + 3;
                return output.ToArray();
            }

            if (line.StartsWith("."u8))
            {
                line = line[1..];
                position++;
            }

            var crlf = line.IndexOf("\r\n"u8);
            if (crlf < 0)
            {
                return null;
            }

            output.Write(line[..(crlf + 2)]);
            position += crlf + 2;
        }
    }

    private static void Check(byte[]? expected, byte[]? actual, string how)
    {
        if (expected is null != actual is null || (expected is not null && !expected.AsSpan().SequenceEqual(actual)))
        {
            throw new FuzzFailureException(
                $"With {how}, the reader gave {(actual is null ? "a truncation error" : $"{actual.Length} bytes")}, " +
                $"the reference {(expected is null ? "a truncation error" : $"{expected.Length} bytes")}.");
        }
    }
}
