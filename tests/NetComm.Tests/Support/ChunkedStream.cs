namespace NetComm.Tests.Support;

/// <summary>How a <see cref="ChunkedStream"/> hands out its bytes.</summary>
public enum ChunkMode
{
    /// <summary>Everything in one read.</summary>
    Whole,

    /// <summary>One byte per read: every boundary falls everywhere once.</summary>
    PerByte,

    /// <summary>Random chunk sizes from a fixed seed.</summary>
    Random,
}

/// <summary>A read-only stream serving fixed bytes in chunks chosen by <see cref="ChunkMode"/>.</summary>
public sealed class ChunkedStream(byte[] data, ChunkMode mode, int seed = 42) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => data.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public MemoryStream Written { get; } = new();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var available = data.Length - _position;
        var n = mode switch
        {
            ChunkMode.Whole => available,
            ChunkMode.PerByte => Math.Min(1, available),
            _ => Math.Min(_random.Next(1, 64), available),
        };
        n = Math.Min(n, buffer.Length);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => new(Read(buffer.Span));

    public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
