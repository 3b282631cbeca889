using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;

namespace NetComm.Transport;

public sealed partial class TcpConnection
{
    /// <inheritdoc />
    public int Read(Span<byte> buffer)
    {
        if (BufferedCount > 0)
        {
            return CopyBuffered(buffer);
        }

        var timeout = NextReadTimeout(out var reason);
        ApplySocketReceiveTimeout(timeout);
        try
        {
            var n = _stream.Read(buffer);
            Received(n);
            return n;
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            if (reason is not null && IsTimeout(e))
            {
                throw DeadlineExpired("Read", reason, e);
            }

            throw Translate(e, "Read", timeout, null, default);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => ReadAsync<AsyncIo>(buffer, cancellationToken);

    /// <inheritdoc />
    public void ReadExactly(Span<byte> buffer)
    {
        ArmRate();
        try
        {
            while (!buffer.IsEmpty)
            {
                var n = Read(buffer);
                if (n == 0)
                {
                    throw new EndOfStreamException($"Connection #{Id} to {RemoteEndPoint} ended {buffer.Length} bytes short of a fixed-size read.");
                }

                buffer = buffer[n..];
            }
        }
        finally
        {
            DisarmRate();
        }
    }

    /// <inheritdoc />
    public async ValueTask ReadExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArmRate();
        try
        {
            while (!buffer.IsEmpty)
            {
                var n = await ReadAsync<AsyncIo>(buffer, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new EndOfStreamException($"Connection #{Id} to {RemoteEndPoint} ended {buffer.Length} bytes short of a fixed-size read.");
                }

                buffer = buffer[n..];
            }
        }
        finally
        {
            DisarmRate();
        }
    }

    /// <inheritdoc />
    public string? ReadLine(int maxLength = DefaultMaxLineLength)
        => Decode(ReadLineAsync<SyncIo>(maxLength, allowPartial: true, default).Complete());

    /// <inheritdoc />
    public async ValueTask<string?> ReadLineAsync(int maxLength = DefaultMaxLineLength, CancellationToken cancellationToken = default)
        => Decode(await ReadLineAsync<AsyncIo>(maxLength, allowPartial: true, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Reads up to <c>buffer.Length</c> bytes: buffered bytes first, then straight from the network
    /// into the caller's memory (no copy through our buffer).
    /// </summary>
    internal async ValueTask<int> ReadAsync<TIo>(Memory<byte> buffer, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (BufferedCount > 0)
        {
            return CopyBuffered(buffer.Span);
        }

        return await ReadFromNetworkAsync<TIo>(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads one line and returns it without its terminator, as a slice of the read buffer that is valid
    /// until the next read. Returns null at the end of the stream; a final unterminated line is returned
    /// only when <paramref name="allowPartial"/> is set (protocols treat it as a truncated reply).
    /// </summary>
    internal async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync<TIo>(int maxLength, bool allowPartial, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);

        // Long arithmetic: maxLength may be int.MaxValue, and its slack byte must not wrap around.
        var limit = (long)maxLength;
        var scanned = 0;
        try
        {
            while (true)
            {
                if (_buffer is not null)
                {
                    var pending = _buffer.AsSpan(_readPos + scanned, _readEnd - _readPos - scanned);
                    var lf = pending.IndexOf((byte)'\n');
                    if (lf >= 0)
                    {
                        var start = _readPos;
                        var end = _readPos + scanned + lf;
                        _readPos = end + 1;
                        var length = end > start && _buffer[end - 1] == '\r' ? end - start - 1 : end - start;
                        if (length > limit)
                        {
                            throw new LineTooLongException(maxLength);
                        }

                        return new ReadOnlyMemory<byte>(_buffer, start, length);
                    }

                    scanned = BufferedCount;

                    // One byte of slack for a CR whose LF has not arrived yet.
                    if (scanned > limit + 1)
                    {
                        throw new LineTooLongException(maxLength);
                    }

                    if (scanned > 0)
                    {
                        // The line has begun: from now on it must end within LineTimeout, however it trickles in.
                        ArmLineDeadline();
                    }

                    GrowForLine(limit);
                }

                if (!await FillAsync<TIo>(cancellationToken).ConfigureAwait(false))
                {
                    if (BufferedCount == 0 || !allowPartial)
                    {
                        return null;
                    }

                    var rest = new ReadOnlyMemory<byte>(_buffer, _readPos, BufferedCount);
                    _readPos = _readEnd;
                    return rest;
                }
            }
        }
        finally
        {
            DisarmLineDeadline();
        }
    }

    /// <summary>The bytes received but not yet consumed; valid until the next read.</summary>
    internal ReadOnlyMemory<byte> Buffered => _buffer is null ? default : new ReadOnlyMemory<byte>(_buffer, _readPos, BufferedCount);

    /// <summary>Marks <paramref name="count"/> buffered bytes as consumed.</summary>
    internal void Consume(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, BufferedCount);
        _readPos += count;
    }

    /// <summary>Reads more bytes from the network into the buffer, keeping what is unread; false at the end of the stream.</summary>
    internal async ValueTask<bool> FillAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        _buffer ??= new byte[_bufferSize];
        if (_readPos == _readEnd)
        {
            _readPos = _readEnd = 0;
        }
        else if (_readPos > 0 && _buffer.Length - _readEnd < _buffer.Length / 4)
        {
            // Little room left behind a partial line: move it to the front first, so the read below can take a whole
            // TLS record (16 KiB) instead of its tail, and the record's rest a second call.
            Buffer.BlockCopy(_buffer, _readPos, _buffer, 0, BufferedCount);
            _readEnd -= _readPos;
            _readPos = 0;
        }

        if (_readEnd == _buffer.Length)
        {
            throw new InvalidOperationException("The read buffer is full; consume bytes before filling it.");
        }

        var n = await ReadFromNetworkAsync<TIo>(_buffer.AsMemory(_readEnd), cancellationToken).ConfigureAwait(false);
        _readEnd += n;
        return n > 0;
    }

    private async ValueTask<int> ReadFromNetworkAsync<TIo>(Memory<byte> buffer, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var callerToken = cancellationToken;
        var timeout = NextReadTimeout(out var reason);
        if (!TIo.IsAsync)
        {
            ApplySocketReceiveTimeout(timeout);
        }

        var deadline = TIo.IsAsync ? _readDeadline.Start(timeout, ref cancellationToken) : null;
        try
        {
            var n = await TIo.ReadAsync(_stream, buffer, cancellationToken).ConfigureAwait(false);
            Received(n);
            return n;
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            var timedOut = IsTimeout(e) || (deadline is { IsCancellationRequested: true } && !callerToken.IsCancellationRequested);
            if (reason is not null && timedOut)
            {
                throw DeadlineExpired("Read", reason, e);
            }

            throw Translate(e, "Read", timeout, deadline, callerToken);
        }
        finally
        {
            _readDeadline.End(deadline);
        }
    }

    /// <summary>Makes room for a line of up to <paramref name="maxLength"/> bytes plus CRLF when the buffer is full of one partial line.</summary>
    private void GrowForLine(long maxLength)
    {
        if (_buffer is null || BufferedCount < _buffer.Length)
        {
            return;
        }

        var size = Math.Max(_buffer.Length * 2L, Math.Min(maxLength + 2, _buffer.Length * 4L));
        var grown = new byte[Math.Min(size, Array.MaxLength)];
        Buffer.BlockCopy(_buffer, _readPos, grown, 0, BufferedCount);
        _readEnd = BufferedCount;
        _readPos = 0;
        _buffer = grown;
    }

    private int CopyBuffered(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, BufferedCount);
        _buffer.AsSpan(_readPos, n).CopyTo(destination);
        _readPos += n;
        return n;
    }

    private void Received(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _bytesReceived, count);
            Touch();
        }
    }

    private static string? Decode(ReadOnlyMemory<byte>? line) => line is { } bytes ? Encoding.UTF8.GetString(bytes.Span) : null;
}
