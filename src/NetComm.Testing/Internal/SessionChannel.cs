using System;
using System.Buffers;
using System.Linq;
using System.Text;
using System.Threading;
using NetComm.Transport;

namespace NetComm.Testing.Internal;

/// <summary>What <see cref="SessionChannel.ReadLine"/> found.</summary>
internal enum LineStatus
{
    Line,
    EndOfStream,
    TooLong,
}

/// <summary>Consumes bytes; returns how many, and whether the end was among them.</summary>
internal delegate (int Consumed, bool Done) ByteConsumer(ReadOnlySpan<byte> bytes);

/// <summary>Receives a run of bytes.</summary>
internal delegate void ByteSink(ReadOnlySpan<byte> bytes);

/// <summary>Facts about a line that a strict server cares about.</summary>
[Flags]
internal enum LineFlags
{
    None = 0,

    /// <summary>Ended by LF alone.</summary>
    BareLineFeed = 1,

    /// <summary>Holds a CR that is not part of the line ending.</summary>
    BareCarriageReturn = 2,

    /// <summary>Was already received before the reply to the previous command was sent: the client did not wait.</summary>
    Pipelined = 4,
}

/// <summary>
/// A session's reads and writes over one connection. Reads go through our own bounded buffer (public
/// <see cref="ITcpConnection.Read"/> only), so the server sees exactly which bytes arrived and how lines ended.
/// Replies are collected and written in one send just before the session would block on a read: that is how a
/// pipelined batch (RFC 2920) gets all its replies in one write, and why a non-pipelining client is answered at once.
/// </summary>
internal sealed class SessionChannel
{
    private const int FlushThreshold = 64 * 1024;

    private readonly ITcpConnection _connection;
    private readonly Func<TimeSpan> _replyDelay;
    private readonly CancellationToken _stopping;
    private readonly ArrayBufferWriter<byte> _out = new(4096);
    private readonly byte[] _in;
    private readonly int _maxLineLength;
    private int _pos;
    private int _end;
    private int _fillsSinceLine = 1;
    private readonly TimeSpan _lineTimeout;
    private readonly long _sessionDeadline;
    private long _lineDeadline = long.MaxValue;

    /// <param name="connection">The client.</param>
    /// <param name="maxLineLength">The longest line buffered; longer ones are skipped and reported too long.</param>
    /// <param name="replyDelay">The injected delay before each flush.</param>
    /// <param name="lineTimeout">Time a line may take once its first byte has arrived.</param>
    /// <param name="sessionTimeout">Time the whole session may take.</param>
    /// <param name="stopping">Set when the server stops.</param>
    public SessionChannel(ITcpConnection connection, int maxLineLength, Func<TimeSpan> replyDelay, TimeSpan lineTimeout, TimeSpan sessionTimeout, CancellationToken stopping)
    {
        _connection = connection;
        _maxLineLength = maxLineLength;
        _replyDelay = replyDelay;
        _stopping = stopping;
        _lineTimeout = lineTimeout;
        _sessionDeadline = sessionTimeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)sessionTimeout.TotalMilliseconds;
        _in = new byte[Math.Max(16 * 1024, maxLineLength + 2)];
        ApplyDeadline();
    }

    public ITcpConnection Connection => _connection;

    /// <summary>Bytes received and not yet consumed.</summary>
    public int Buffered => _end - _pos;

    /// <summary>Whether bytes arrived since the last line was read without the session having to wait for them.</summary>
    public bool DataWasWaiting => _fillsSinceLine == 0 && Buffered > 0;

    /// <summary>Queues one reply line (CRLF added).</summary>
    public void Write(string line)
    {
        var count = Encoding.UTF8.GetByteCount(line);
        var span = _out.GetSpan(count + 2);
        Encoding.UTF8.GetBytes(line, span);
        span[count] = (byte)'\r';
        span[count + 1] = (byte)'\n';
        _out.Advance(count + 2);
        FlushIfLarge();
    }

    /// <summary>Queues raw bytes.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var chunk = bytes[..Math.Min(bytes.Length, FlushThreshold)];
            chunk.CopyTo(_out.GetSpan(chunk.Length));
            _out.Advance(chunk.Length);
            bytes = bytes[chunk.Length..];
            FlushIfLarge();
        }
    }

    /// <summary>Sends every queued reply in one write (after the SlowReplies delay, if any).</summary>
    public void Flush()
    {
        if (_out.WrittenCount == 0)
        {
            return;
        }

        var delay = _replyDelay();
        if (delay > TimeSpan.Zero && _stopping.WaitHandle.WaitOne(delay))
        {
            throw new OperationCanceledException(_stopping);
        }

        _connection.Write(_out.WrittenSpan);
        _out.ResetWrittenCount();
    }

    /// <summary>Drops queued replies (a fault that closes the connection without answering).</summary>
    public void DiscardOutput() => _out.ResetWrittenCount();

    /// <summary>
    /// Reads one line, without its ending, decoded as UTF-8. A line over the cap is consumed up to its LF and
    /// reported as <see cref="LineStatus.TooLong"/>, never buffered whole.
    /// </summary>
    public LineStatus ReadLine(out string line, out LineFlags flags, out int length)
    {
        line = string.Empty;
        flags = LineFlags.None;
        length = 0;
        var scanned = 0;
        while (true)
        {
            var pending = _in.AsSpan(_pos + scanned, _end - _pos - scanned);
            var lf = pending.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var end = _pos + scanned + lf;
                var bytes = _in.AsSpan(_pos, end - _pos);
                if (!bytes.IsEmpty && bytes[^1] == '\r')
                {
                    bytes = bytes[..^1];
                }
                else
                {
                    flags |= LineFlags.BareLineFeed;
                }

                if (bytes.Contains((byte)'\r'))
                {
                    flags |= LineFlags.BareCarriageReturn;
                }

                if (_fillsSinceLine == 0)
                {
                    flags |= LineFlags.Pipelined;
                }

                length = bytes.Length;
                _pos = end + 1;
                _fillsSinceLine = 0;
                DisarmLineDeadline();
                if (length > _maxLineLength)
                {
                    return LineStatus.TooLong;
                }

                line = Encoding.UTF8.GetString(bytes);
                return LineStatus.Line;
            }

            scanned = Buffered;
            if (scanned > _maxLineLength + 1)
            {
                return SkipLongLine(out length);
            }

            if (scanned > 0)
            {
                // The line has begun: it must end within the line timeout however slowly it trickles in.
                ArmLineDeadline();
            }

            if (!Fill())
            {
                return LineStatus.EndOfStream;
            }
        }
    }

    /// <summary>Feeds bytes to <paramref name="consume"/> until it reports the end; false at the end of the stream first.</summary>
    public bool ReadUntil(ByteConsumer consume)
    {
        while (true)
        {
            if (Buffered > 0)
            {
                var (consumed, done) = consume(_in.AsSpan(_pos, Buffered));
                _pos += consumed;
                if (done)
                {
                    _fillsSinceLine = 0;
                    return true;
                }
            }

            if (!Fill())
            {
                return false;
            }
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes into <paramref name="sink"/>; false at the end of the stream first.</summary>
    public bool ReadExactly(long count, ByteSink sink)
    {
        while (count > 0)
        {
            if (Buffered == 0 && !Fill())
            {
                return false;
            }

            var n = (int)Math.Min(count, Buffered);
            sink(_in.AsSpan(_pos, n));
            _pos += n;
            count -= n;
        }

        _fillsSinceLine = 0;
        return true;
    }

    /// <summary>Waits until at least one byte is buffered; false at the end of the stream.</summary>
    public bool WaitForData() => Buffered > 0 || Fill();

    /// <summary>Throws away whatever is buffered and returns how much that was.</summary>
    public int DiscardInput()
    {
        var n = Buffered;
        _pos = _end = 0;
        return n;
    }

    private LineStatus SkipLongLine(out int length)
    {
        length = 0;
        while (true)
        {
            var lf = _in.AsSpan(_pos, Buffered).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                length += lf;
                _pos += lf + 1;
                _fillsSinceLine = 0;
                DisarmLineDeadline();
                return LineStatus.TooLong;
            }

            ArmLineDeadline();
            length += Buffered;
            _pos = _end;
            if (!Fill())
            {
                return LineStatus.EndOfStream;
            }
        }
    }

    /// <summary>Sends the queued replies, then blocks for more input; false at the end of the stream.</summary>
    private bool Fill()
    {
        Flush();
        if (_pos == _end)
        {
            _pos = _end = 0;
        }
        else if (_end == _in.Length)
        {
            Buffer.BlockCopy(_in, _pos, _in, 0, Buffered);
            _end -= _pos;
            _pos = 0;
        }

        var n = _connection.Read(_in.AsSpan(_end));
        _end += n;
        _fillsSinceLine++;
        return n > 0;
    }

    private void ArmLineDeadline()
    {
        if (_lineDeadline == long.MaxValue && _lineTimeout != Timeout.InfiniteTimeSpan)
        {
            _lineDeadline = Environment.TickCount64 + (long)_lineTimeout.TotalMilliseconds;
            ApplyDeadline();
        }
    }

    private void DisarmLineDeadline()
    {
        if (_lineDeadline != long.MaxValue)
        {
            _lineDeadline = long.MaxValue;
            ApplyDeadline();
        }
    }

    /// <summary>Gives the connection the nearer of the line and session deadlines; a read past it throws TimeoutException.</summary>
    private void ApplyDeadline()
    {
        var nearest = Math.Min(_lineDeadline, _sessionDeadline);
        _connection.SetReadDeadline(nearest == long.MaxValue ? null : TimeSpan.FromMilliseconds(Math.Max(0, nearest - Environment.TickCount64)));
    }

    private void FlushIfLarge()
    {
        if (_out.WrittenCount >= FlushThreshold)
        {
            Flush();
        }
    }
}
