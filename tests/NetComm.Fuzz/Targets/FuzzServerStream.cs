using System;
using System.IO;

namespace NetComm.Fuzz.Targets;

/// <summary>
/// The server end of a connection: hands out the fuzz input as what the server sent, <paramref name="chunk"/>
/// bytes per read at most (small chunks put read boundaries everywhere), then the end of the stream.
/// What the client writes is discarded: the targets feed replies, whatever was asked.
/// </summary>
internal sealed class FuzzServerStream(byte[] serverBytes, int chunk = int.MaxValue) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(chunk, buffer.Length), serverBytes.Length - _position);
        serverBytes.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
