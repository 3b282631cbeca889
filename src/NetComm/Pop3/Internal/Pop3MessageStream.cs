using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;

namespace NetComm.Pop3.Internal;

/// <summary>
/// A read-only stream over one message being received: dot-unstuffed, ending where the reply ends. Handed to
/// MimeKit's parser and to callers' callbacks; it reads from the connection only as it is read.
/// </summary>
internal sealed class Pop3MessageStream(DotUnstuffingReader reader, CancellationToken operationToken) : Stream
{
    /// <summary>Whether a read from the server failed: then a reader's exception is the connection's, not the reader's own.</summary>
    public bool ConnectionFailed => reader.Faulted;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    /// <summary>Not known in advance: the size LIST reports is the server's count and need not match byte for byte.</summary>
    public override long Length => throw new NotSupportedException("The length of a message being received is not known in advance.");

    public override long Position
    {
        get => reader.ContentBytes;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var segment = reader.ReadSegmentAsync<SyncIo>(buffer.Length, operationToken).Complete();
        segment.Span.CopyTo(buffer);
        return segment.Length;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        // The operation's token (timeouts, the caller of RetrieveAsync) always applies; a reader's own token too.
        using var linked = cancellationToken.CanBeCanceled && cancellationToken != operationToken
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, operationToken)
            : null;
        var segment = await reader.ReadSegmentAsync<AsyncIo>(buffer.Length, linked?.Token ?? operationToken).ConfigureAwait(false);
        segment.Span.CopyTo(buffer.Span);
        return segment.Length;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
