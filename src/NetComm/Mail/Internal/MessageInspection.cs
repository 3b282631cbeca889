using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace NetComm.Mail.Internal;

/// <summary>
/// What a dry run of the message's bytes found: its size and whether it needs 8BITMIME or BINARYMIME.
/// Measured before anything is sent, so a message the server cannot take is refused up front.
/// </summary>
internal sealed class MessageInspection : Stream
{
    private readonly int _retainUpTo;
    private int _lineLength;
    private bool _endsWithCr;
    private byte[]? _retained;

    /// <param name="retainUpTo">Keep a copy of the bytes while they fit in this many, so a small message is serialised once.</param>
    public MessageInspection(int retainUpTo = 0) => _retainUpTo = retainUpTo;

    /// <summary>The whole message, when it fit in the retained size; null otherwise.</summary>
    // The cast matters: without it, null converts to an empty ReadOnlyMemory through the array conversion.
    public ReadOnlyMemory<byte>? Retained => _retained is null ? (ReadOnlyMemory<byte>?)null : _retained.AsMemory(0, (int)Size);

    /// <summary>Total bytes (CRLF line endings, before dot-stuffing).</summary>
    public long Size { get; private set; }

    /// <summary>Longest line, without its CRLF.</summary>
    public int LongestLine { get; private set; }

    /// <summary>Any byte over 127.</summary>
    public bool HasEightBit { get; private set; }

    /// <summary>NUL bytes or lines over 998 octets: only BINARYMIME can carry it.</summary>
    public bool NeedsBinary => HasNul || LongestLine > 998;

    /// <summary>Any NUL byte.</summary>
    public bool HasNul { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Size;

    public override long Position { get => Size; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Retain(buffer);
        Size += buffer.Length;
        if (!HasEightBit && buffer.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0)
        {
            HasEightBit = true;
        }

        if (!HasNul && buffer.IndexOf((byte)0) >= 0)
        {
            HasNul = true;
        }

        while (!buffer.IsEmpty)
        {
            var lf = buffer.IndexOf((byte)'\n');
            if (lf < 0)
            {
                _lineLength += buffer.Length;
                _endsWithCr = buffer[^1] == '\r';
                LongestLine = Math.Max(LongestLine, _lineLength - (_endsWithCr ? 1 : 0));
                return;
            }

            var crBeforeLf = lf > 0 ? buffer[lf - 1] == '\r' : _endsWithCr;
            LongestLine = Math.Max(LongestLine, _lineLength + lf - (crBeforeLf ? 1 : 0));
            _lineLength = 0;
            _endsWithCr = false;
            buffer = buffer[(lf + 1)..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return default;
    }

    public override void Flush()
    {
    }

    protected override void Dispose(bool disposing)
    {
        Release();
        base.Dispose(disposing);
    }

    private void Retain(ReadOnlySpan<byte> buffer)
    {
        if (_retainUpTo == 0 || (Size > 0 && _retained is null))
        {
            return;
        }

        var needed = Size + buffer.Length;
        if (needed > _retainUpTo)
        {
            Release();
            return;
        }

        if (_retained is null || _retained.Length < needed)
        {
            var grown = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(_retainUpTo, Math.Max(needed, 16 * 1024) * 2));
            if (_retained is not null)
            {
                _retained.AsSpan(0, (int)Size).CopyTo(grown);
                System.Buffers.ArrayPool<byte>.Shared.Return(_retained);
            }

            _retained = grown;
        }

        buffer.CopyTo(_retained.AsSpan((int)Size));
    }

    private void Release()
    {
        if (_retained is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_retained);
            _retained = null;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
