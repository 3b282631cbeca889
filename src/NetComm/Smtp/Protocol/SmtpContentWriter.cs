using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;

namespace NetComm.Smtp.Protocol;

/// <summary>
/// The one streaming filter between a message and the wire. Every line ending becomes CRLF (no bare CR
/// or LF reaches the server), and for DATA every line starting with a dot gets a second one, so no
/// content can end the message early: the SMTP smuggling family (<c>LF.LF</c>, <c>LF.CRLF</c>,
/// <c>CR.CR</c>...) is normalised away. For BDAT the output goes out in chunks, each with its own
/// command, without knowing the total size first. Memory stays at one buffer whatever the message size.
/// </summary>
internal sealed class SmtpContentWriter : Stream
{
    private const int HeaderRoom = 32;
    private static readonly byte[] s_crlf = "\r\n"u8.ToArray();

    private readonly MailConnection _connection;
    private readonly bool _chunked;
    private readonly bool _normalizeLineEndings;
    private readonly IProgress<TransferProgress>? _progress;
    private readonly long? _total;
    private readonly int _capacity;
    private byte[] _buffer;
    private int _length = HeaderRoom;
    private bool _atLineStart = true;
    private bool _pendingCr;
    private bool _finished;
    private long _lastReported;

    /// <param name="connection">Where bytes go.</param>
    /// <param name="chunked">BDAT framing instead of DATA dot-stuffing.</param>
    /// <param name="normalizeLineEndings">False only for BINARYMIME content, which must go byte for byte.</param>
    /// <param name="chunkSize">Buffer size, and the BDAT chunk size.</param>
    /// <param name="progress">Told about bytes sent.</param>
    /// <param name="total">The expected size, for progress.</param>
    public SmtpContentWriter(MailConnection connection, bool chunked, bool normalizeLineEndings, int chunkSize, IProgress<TransferProgress>? progress, long? total)
    {
        _connection = connection;
        _chunked = chunked;
        _normalizeLineEndings = normalizeLineEndings;
        _progress = progress;
        _total = total;
        _capacity = Math.Max(chunkSize, 1024);

        // Room in front for "BDAT n\r\n", so a chunk and its command leave in one write.
        _buffer = ArrayPool<byte>.Shared.Rent(HeaderRoom + _capacity + 8);
    }

    /// <summary>Content bytes written to the connection (after stuffing), excluding BDAT commands and the terminator.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>BDAT commands sent whose replies have not been read yet.</summary>
    public int PendingChunkReplies { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // Stream.Write(span) cannot hold a span across awaits, so the sync path filters in place.
        while (!buffer.IsEmpty)
        {
            var consumed = Filter(buffer);
            buffer = buffer[consumed..];
            if (Full)
            {
                SendChunkAsync<SyncIo>(last: false, default).Complete();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var consumed = Filter(buffer.Span);
            buffer = buffer[consumed..];
            if (Full)
            {
                await SendChunkAsync<AsyncIo>(last: false, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Flush()
    {
        // Nothing: bytes leave when a chunk is full or at FinishAsync, so the end of the body and the
        // terminator share one write (a split final write waits on the server's delayed ACK).
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Ends the content: completes the last line, and sends the DATA terminator or the BDAT LAST chunk.</summary>
    public async ValueTask FinishAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (_pendingCr || (_normalizeLineEndings && !_atLineStart))
        {
            // Content must end with CRLF; for DATA the terminator depends on it.
            Append(s_crlf);
            _pendingCr = false;
            _atLineStart = true;
        }

        await SendChunkAsync<TIo>(last: true, cancellationToken).ConfigureAwait(false);
        _finished = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // Matches the room Filter keeps for its largest single step, so a full buffer is always flushed.
    private bool Full => _length - HeaderRoom > _capacity - 4;

    /// <summary>Copies as much of <paramref name="input"/> as fits, filtered; returns how many input bytes were used.</summary>
    private int Filter(ReadOnlySpan<byte> input)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The message content was already finished.");
        }

        if (!_normalizeLineEndings)
        {
            var n = Math.Min(input.Length, HeaderRoom + _capacity - _length);
            Append(input[..n]);
            return n;
        }

        var used = 0;

        // Stop with room for the worst case of one step: CRLF plus a stuffed dot plus one byte.
        while (used < input.Length && _length - HeaderRoom <= _capacity - 4)
        {
            var rest = input[used..];
            if (_pendingCr)
            {
                _pendingCr = false;
                Append(s_crlf);
                _atLineStart = true;
                if (rest[0] == '\n')
                {
                    used++;
                    continue;
                }
            }

            if (_atLineStart && !_chunked && rest[0] == '.')
            {
                Append("."u8);
            }

            var room = HeaderRoom + _capacity - 4 - _length;
            var run = rest[..Math.Min(rest.Length, Math.Max(room, 1))];
            var stop = run.IndexOfAny((byte)'\r', (byte)'\n');
            if (stop < 0)
            {
                Append(run);
                used += run.Length;
                _atLineStart = false;
                continue;
            }

            Append(run[..stop]);
            if (stop > 0)
            {
                _atLineStart = false;
            }

            if (run[stop] == '\r')
            {
                // Decided by the next byte, which may be in the next write.
                _pendingCr = true;
            }
            else
            {
                Append(s_crlf);
                _atLineStart = true;
            }

            used += stop + 1;
        }

        return used;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private async ValueTask SendChunkAsync<TIo>(bool last, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var contentLength = _length - HeaderRoom;
        var start = HeaderRoom;
        if (_chunked)
        {
            var header = string.Create(CultureInfo.InvariantCulture, $"BDAT {contentLength}{(last ? " LAST" : "")}\r\n");
            start = HeaderRoom - Encoding.ASCII.GetBytes(header, _buffer.AsSpan(HeaderRoom - header.Length));
            _connection.Transcript.Client(header.TrimEnd());
            PendingChunkReplies++;
        }
        else if (last)
        {
            Append(".\r\n"u8);
        }

        if (_connection.Transcript.Enabled)
        {
            if (_connection.Transcript.IncludesContent)
            {
                _connection.Transcript.ClientContentText(Encoding.UTF8.GetString(_buffer, HeaderRoom, contentLength).TrimEnd('\r', '\n'));
            }

            _connection.Transcript.ClientContent(contentLength, "message content");

            if (last && !_chunked)
            {
                _connection.Transcript.Client(".");
            }
        }

        await _connection.WriteAsync<TIo>(_buffer.AsMemory(start, _length - start), cancellationToken).ConfigureAwait(false);
        BytesWritten += contentLength;
        _length = HeaderRoom;
        Report(last);
    }

    private void Report(bool last)
    {
        if (_progress is null || (!last && BytesWritten - _lastReported < 64 * 1024))
        {
            return;
        }

        _lastReported = BytesWritten;
        _progress.Report(new TransferProgress(BytesWritten, _total));
    }
}
