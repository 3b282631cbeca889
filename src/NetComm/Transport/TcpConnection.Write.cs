using System;
using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;

namespace NetComm.Transport;

public sealed partial class TcpConnection
{
    private static readonly byte[] s_crlf = "\r\n"u8.ToArray();

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> data)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            _stream.Write(data);
            Sent(data.Length);
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            throw TranslateWriteFailure(e, started, null, default);
        }
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        => WriteAsync<AsyncIo>(data, cancellationToken);

    /// <inheritdoc />
    public void WriteLine(string line) => WriteLineAsync<SyncIo>(line, default).Complete();

    /// <inheritdoc />
    public ValueTask WriteLineAsync(string line, CancellationToken cancellationToken = default)
        => WriteLineAsync<AsyncIo>(line, cancellationToken);

    /// <inheritdoc />
    public void Flush() => FlushAsync<SyncIo>(default).Complete();

    /// <inheritdoc />
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => FlushAsync<AsyncIo>(cancellationToken);

    internal async ValueTask WriteAsync<TIo>(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var callerToken = cancellationToken;
        var started = Stopwatch.GetTimestamp();
        var deadline = TIo.IsAsync ? _writeDeadline.Start(_writeTimeout, ref cancellationToken) : null;
        try
        {
            await TIo.WriteAsync(_stream, data, cancellationToken).ConfigureAwait(false);
            Sent(data.Length);
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            throw TranslateWriteFailure(e, started, deadline, callerToken);
        }
        finally
        {
            _writeDeadline.End(deadline);
        }
    }

    private async ValueTask WriteLineAsync<TIo>(string line, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentNullException.ThrowIfNull(line);

        // One buffer, one send: a line split over two sends stalls on Nagle and delayed ACKs.
        var length = Encoding.UTF8.GetByteCount(line) + 2;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(line, rented);
            s_crlf.CopyTo(rented, written);
            await WriteAsync<TIo>(rented.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private async ValueTask FlushAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        try
        {
            await TIo.FlushAsync(_stream, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            throw Translate(e, "Flush", _writeTimeout, null, cancellationToken);
        }
    }

    /// <summary>
    /// <see cref="Translate"/> for writes, with one correction: a blocking send that the kernel cuts short
    /// (the peer reset the connection while the send waited for buffer space) is reported by the runtime
    /// as <see cref="System.Net.Sockets.SocketError.TimedOut"/>, because on a socket with a send timeout a
    /// partial send usually means that timeout. Seen long before our deadline, it is a broken connection.
    /// </summary>
    private Exception TranslateWriteFailure(Exception error, long started, CancellationTokenSource? deadline, CancellationToken callerToken)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (IsTimeout(error) && _writeTimeout != Timeout.InfiniteTimeSpan && elapsed < _writeTimeout * 0.9)
        {
            return new TransportException(
                $"Write on connection #{Id} to {RemoteEndPoint} failed: the connection broke while sending " +
                $"(the socket reported a timeout after {elapsed.TotalSeconds:0.###} s, before the {_writeTimeout.TotalSeconds:0.###} s deadline).",
                error);
        }

        return Translate(error, "Write", _writeTimeout, deadline, callerToken);
    }

    private void Sent(int count)
    {
        Interlocked.Add(ref _bytesSent, count);
        Touch();
    }
}
