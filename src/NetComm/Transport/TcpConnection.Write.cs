using System;
using System.Buffers;
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
        try
        {
            _stream.Write(data);
            Sent(data.Length);
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            throw Translate(e, "Write", _writeTimeout, null, default);
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
        var deadline = StartDeadline<TIo>(_writeTimeout, ref cancellationToken);
        try
        {
            await TIo.WriteAsync(_stream, data, cancellationToken).ConfigureAwait(false);
            Sent(data.Length);
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            throw Translate(e, "Write", _writeTimeout, deadline, callerToken);
        }
        finally
        {
            deadline?.Dispose();
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

    private void Sent(int count)
    {
        Interlocked.Add(ref _bytesSent, count);
        Touch();
    }
}
