using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetComm.Transport;

/// <summary>
/// Sits under <see cref="System.Net.Security.SslStream"/> and keeps the first bytes the peer sends during
/// the handshake, so that a plaintext answer (a server greeting on what we took for a TLS port) can be
/// named in the error instead of a bare "unexpected message".
/// </summary>
/// <remarks>
/// <paramref name="beforeRead"/>, when given, runs before every blocking read until <see cref="StopRecording"/>
/// (the handshake deadline). The sniffer stays under the SslStream afterwards (its inner stream cannot be swapped),
/// but steps out of the way: every read and write goes straight to <paramref name="inner"/>, with no check and no
/// await of its own, so a TLS record costs one call more than SslStream over the socket and nothing else.
/// </remarks>
internal sealed class HandshakeSniffer(Stream inner, Action? beforeRead = null) : Stream
{
    private const int Keep = 64;
    private Action? _beforeRead = beforeRead;
    private byte[]? _first = new byte[Keep];
    private int _count;

    /// <summary>The first bytes received, when they look like text (printable ASCII up to a line end); else null.</summary>
    public string? PlaintextSeen
    {
        get
        {
            if (_first is null || _count == 0)
            {
                return null;
            }

            var span = _first.AsSpan(0, _count);
            var end = span.IndexOfAny((byte)'\r', (byte)'\n');
            var text = end >= 0 ? span[..end] : span;
            foreach (var b in text)
            {
                if (b is < 0x20 or > 0x7E)
                {
                    return null;
                }
            }

            return text.Length >= 3 ? Encoding.ASCII.GetString(text) : null;
        }
    }

    /// <summary>The handshake is over: keep nothing more, and leave later reads to the connection's own timeouts.</summary>
    public void StopRecording()
    {
        _first = null;
        _beforeRead = null;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_first is null)
        {
            return inner.Read(buffer);
        }

        _beforeRead?.Invoke();
        var n = inner.Read(buffer);
        Record(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => _first is null ? inner.ReadAsync(buffer, cancellationToken) : RecordingReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => inner.WriteAsync(buffer, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask<int> RecordingReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Record(buffer.Span[..n]);
        return n;
    }

    private void Record(ReadOnlySpan<byte> data)
    {
        if (_first is null || _count >= Keep || data.IsEmpty)
        {
            return;
        }

        var n = Math.Min(Keep - _count, data.Length);
        data[..n].CopyTo(_first.AsSpan(_count));
        _count += n;
    }
}
