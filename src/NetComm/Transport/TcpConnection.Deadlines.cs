using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;

namespace NetComm.Transport;

// Bounds on whole reads, not single ones: a peer that drips one byte at a time resets every per-read
// timeout and every idle clock, so each of these measures from a fixed start instead.
public sealed partial class TcpConnection
{
    private TimeSpan _lineTimeout = Timeout.InfiniteTimeSpan;
    private MinDataRate? _minReceiveRate;
    private long _deadline = long.MaxValue;
    private long _lineDeadline = long.MaxValue;
    private long _rateStart = long.MaxValue;
    private long _rateStartBytes;
    private int _socketReceiveTimeout;

    /// <inheritdoc />
    public TimeSpan LineTimeout
    {
        get => _lineTimeout;
        set => _lineTimeout = ValidateTimeout(value);
    }

    /// <inheritdoc />
    public MinDataRate? MinReceiveRate
    {
        get => _minReceiveRate;
        set => _minReceiveRate = value;
    }

    /// <inheritdoc />
    public void SetReadDeadline(TimeSpan? fromNow)
    {
        if (fromNow is { } span && span != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(span, TimeSpan.Zero, nameof(fromNow));
            _deadline = Environment.TickCount64 + (long)span.TotalMilliseconds;
        }
        else
        {
            _deadline = long.MaxValue;
        }
    }

    /// <summary>Starts the line clock when the first byte of a line is buffered (no-op when already running or off).</summary>
    private void ArmLineDeadline()
    {
        if (_lineDeadline == long.MaxValue && _lineTimeout != Timeout.InfiniteTimeSpan)
        {
            _lineDeadline = Environment.TickCount64 + (long)_lineTimeout.TotalMilliseconds;
        }
    }

    private void DisarmLineDeadline() => _lineDeadline = long.MaxValue;

    /// <summary>Starts measuring the receive rate of a fixed-size read.</summary>
    private void ArmRate()
    {
        if (_minReceiveRate is not null)
        {
            _rateStart = Environment.TickCount64;
            _rateStartBytes = BytesReceived;
        }
    }

    private void DisarmRate() => _rateStart = long.MaxValue;

    /// <summary>
    /// When the next byte must have arrived for the rate to hold: after the grace period, the bytes received
    /// since the read began must keep up with the minimum rate.
    /// </summary>
    private long RateDeadline()
    {
        if (_rateStart == long.MaxValue || _minReceiveRate is not { } rate)
        {
            return long.MaxValue;
        }

        var owed = BytesReceived - _rateStartBytes + 1;
        return _rateStart + (long)rate.GracePeriod.TotalMilliseconds + (long)(owed * 1000 / rate.BytesPerSecond);
    }

    /// <summary>
    /// The time the next network read may wait (the read timeout, shortened to the nearest deadline) and why
    /// it would end; throws <see cref="TimeoutException"/> when a deadline has already passed.
    /// </summary>
    private TimeSpan NextReadTimeout(out string? reason)
    {
        reason = null;
        var deadline = _deadline;
        var line = _lineDeadline;
        var rate = RateDeadline();
        var nearest = Math.Min(deadline, Math.Min(line, rate));
        if (nearest == long.MaxValue)
        {
            return _readTimeout;
        }

        reason = nearest == line ? $"the line was not completed within {_lineTimeout.TotalSeconds:0.###} s"
            : nearest == rate ? $"data arrived slower than the minimum rate of {_minReceiveRate!.BytesPerSecond:0.###} bytes/s"
            : "the read ran past its deadline";
        var left = nearest - Environment.TickCount64;
        if (left <= 0)
        {
            throw new TimeoutException($"Read on connection #{Id} to {RemoteEndPoint} timed out: {reason}.");
        }

        var span = TimeSpan.FromMilliseconds(left);
        if (_readTimeout != Timeout.InfiniteTimeSpan && _readTimeout < span)
        {
            reason = null;
            return _readTimeout;
        }

        return span;
    }

    /// <summary>Sets the socket's receive timeout only when it changes (a blocking read has no other bound).</summary>
    private void ApplySocketReceiveTimeout(TimeSpan timeout)
    {
        var milliseconds = ToSocketTimeout(timeout);
        if (_socket is null || milliseconds == _socketReceiveTimeout)
        {
            return;
        }

        try
        {
            _socket.ReceiveTimeout = milliseconds;
            _socketReceiveTimeout = milliseconds;
        }
        catch (SocketException)
        {
            // The socket is dead: the read that follows reports it.
        }
        catch (ObjectDisposedException)
        {
            // Closed by Abort on another thread: likewise.
        }
    }

    /// <summary>A timeout naming the deadline that ended the read, when one did.</summary>
    private TimeoutException DeadlineExpired(string operation, string reason, Exception inner)
        => new($"{operation} on connection #{Id} to {RemoteEndPoint} timed out: {reason}.", inner);

    /// <summary>Whether a failure is the read timing out (socket timeout, or our own cancellation timer).</summary>
    private static bool IsTimeout(Exception e)
        => (e as SocketException ?? (e as IOException)?.InnerException as SocketException)?.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock;
}
