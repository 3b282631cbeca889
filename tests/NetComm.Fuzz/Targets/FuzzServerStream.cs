using System;
using System.IO;
using NetComm.TestSupport;

namespace NetComm.Fuzz.Targets;

/// <summary>
/// The server end of a connection: hands out the fuzz input as what the server sent, <paramref name="chunk"/>
/// bytes per read at most (small chunks put read boundaries everywhere), then the end of the stream.
/// What the client writes is discarded: the targets feed replies, whatever was asked.
/// </summary>
internal sealed class FuzzServerStream(byte[] serverBytes, int chunk = int.MaxValue) : ServerEndStream
{
    private int _position;

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(chunk, buffer.Length), serverBytes.Length - _position);
        serverBytes.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
    }
}
