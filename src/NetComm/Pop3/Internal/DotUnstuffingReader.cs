using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Transport;

namespace NetComm.Pop3.Internal;

/// <summary>
/// Reads the body of one multi-line POP3 reply (RFC 1939 section 3) straight out of the connection's read
/// buffer: removes the stuffed dot at the start of lines and stops at the CRLF "." CRLF terminator. Memory
/// stays bounded by the connection's buffer whatever the size of the message or of its lines, because it
/// hands out slices of that buffer instead of lines. Only CRLF ends a line: a dot after a bare LF or CR is
/// content, so a terminator hidden inside a line cannot end the reply early.
/// </summary>
internal sealed class DotUnstuffingReader
{
    private readonly MailConnection _connection;
    private readonly string _what;
    private readonly ContentTranscript? _transcript;
    private readonly IProgress<TransferProgress>? _progress;
    private readonly long? _expectedSize;
    private bool _atLineStart = true;
    private bool _previousWasCr;

    /// <param name="connection">The connection, inside the reply whose content this is (its deadline bounds every read).</param>
    /// <param name="what">What the content is, for messages and the transcript.</param>
    /// <param name="progress">Where progress goes, if anywhere.</param>
    /// <param name="expectedSize">The size LIST reported, as the progress total.</param>
    public DotUnstuffingReader(MailConnection connection, string what, IProgress<TransferProgress>? progress = null, long? expectedSize = null)
    {
        _connection = connection;
        _what = what;
        _transcript = connection.Transcript.Enabled ? new ContentTranscript(connection.Transcript, what) : null;
        _progress = progress;
        _expectedSize = expectedSize;
    }

    /// <summary>Whether the terminator has been read.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>
    /// Whether a read from the server failed: the connection is then in an unknown state. A failure that is not
    /// the reader's (the caller's handler or destination stream) leaves it intact, and the rest can be skipped.
    /// </summary>
    public bool Faulted { get; private set; }

    /// <summary>Content bytes handed out so far (after unstuffing).</summary>
    public long ContentBytes { get; private set; }

    /// <summary>
    /// Returns the next piece of content, at most <paramref name="max"/> bytes, as a slice of the read buffer
    /// that is valid until the next call; empty once the terminator has been read.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadSegmentAsync<TIo>(int max, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        while (!IsComplete)
        {
            var buffered = _connection.Buffered;
            if (_atLineStart)
            {
                var span = buffered.Span;
                if (!CanDecideLineStart(span))
                {
                    await FillAsync<TIo>(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                _atLineStart = false;
                _previousWasCr = false;
                if (span[0] == '.')
                {
                    var terminator = span.Length >= 3 && span[1] == '\r' && span[2] == '\n';
                    Consume(terminator ? 3 : 1);
                    if (terminator)
                    {
                        Complete();
                        break;
                    }

                    continue;
                }
            }

            if (buffered.IsEmpty)
            {
                await FillAsync<TIo>(cancellationToken).ConfigureAwait(false);
                continue;
            }

            var segment = buffered[..TakeUntilLineStartDot(buffered.Span[..Math.Min(buffered.Length, max)])];
            Consume(segment.Length);
            ContentBytes += segment.Length;
            _transcript?.Add(segment.Span);
            _progress?.Report(new TransferProgress(ContentBytes, _expectedSize));
            return segment;
        }

        return default;
    }

    /// <summary>Reads and discards the rest of the reply, so that the next reply can be read.</summary>
    public async ValueTask SkipToEndAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        while (!(await ReadSegmentAsync<TIo>(int.MaxValue, cancellationToken).ConfigureAwait(false)).IsEmpty)
        {
        }
    }

    /// <summary>Copies the rest of the content to <paramref name="destination"/>, piece by piece from the read buffer.</summary>
    public async ValueTask CopyToAsync<TIo>(Stream destination, CancellationToken cancellationToken)
        where TIo : IIo
    {
        while (true)
        {
            var segment = await ReadSegmentAsync<TIo>(int.MaxValue, cancellationToken).ConfigureAwait(false);
            if (segment.IsEmpty)
            {
                return;
            }

            await TIo.WriteAsync(destination, segment, cancellationToken).ConfigureAwait(false);
        }
    }

    // A line start is decided by up to three bytes: "." CR LF ends the reply, "." otherwise is a stuffed dot.
    private static bool CanDecideLineStart(ReadOnlySpan<byte> span)
        => span.Length >= 1 && (span[0] != '.' || (span.Length >= 2 && (span[1] != '\r' || span.Length >= 3)));

    /// <summary>
    /// How much of <paramref name="span"/> can go out before the next line that starts with a dot, and
    /// whether the piece ends at a line start. Only the two-byte "\n." needs looking at; it is a line start
    /// when a CR comes before the LF.
    /// </summary>
    private int TakeUntilLineStartDot(ReadOnlySpan<byte> span)
    {
        var take = span.Length;
        var from = 0;
        while (from < span.Length)
        {
            var found = span[from..].IndexOf("\n."u8);
            if (found < 0)
            {
                break;
            }

            var lf = from + found;
            if (lf > 0 ? span[lf - 1] == '\r' : _previousWasCr)
            {
                take = lf + 1;
                break;
            }

            from = lf + 1;
        }

        var last = span[take - 1];
        var crlf = last == '\n' && (take >= 2 ? span[take - 2] == '\r' : _previousWasCr);
        _atLineStart = crlf;
        _previousWasCr = last == '\r';
        return take;
    }

    private void Consume(int count)
    {
        _connection.Consume(count);
        MailTelemetry.BytesReceived.Add(count);
    }

    private void Complete()
    {
        IsComplete = true;
        _transcript?.Complete(ContentBytes);
    }

    private async ValueTask FillAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        bool filled;
        try
        {
            filled = await _connection.FillAsync<TIo>(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Faulted = true;
            throw;
        }

        if (!filled)
        {
            Faulted = true;
            throw new MailProtocolException(
                $"The POP3 server closed the connection in the middle of {_what} ({ContentBytes:N0} bytes received, no terminating \".\" line).");
        }
    }
}
