using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using NetComm.Internal;

namespace NetComm.Mime;

/// <summary>
/// The MIME edge on the way out: the bytes of a message to send, written by MimeKit or taken from the caller as
/// they are, with what a transport must decide before sending (size, 8-bit, binary, line lengths). Protocol
/// engines see this and streams, never MimeKit types.
/// </summary>
internal abstract class OutgoingMessage : IDisposable
{
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>
    /// Makes the content fit what the server accepts (lines of at most 998 octets; 8-bit only when
    /// <paramref name="eightBitAllowed"/>), returning what undoes it. Raw content is never changed.
    /// </summary>
    public virtual IDisposable Prepare(bool eightBitAllowed) => NoChange.Instance;

    /// <summary>A dry run over the bytes; null when they cannot be read twice (a non-seekable raw stream).</summary>
    public abstract MessageInspection? Inspect(bool international);

    public abstract ValueTask WriteToAsync<TIo>(Stream destination, bool international, CancellationToken cancellationToken)
        where TIo : IIo;
}

/// <summary>
/// A <see cref="MimeMessage"/> serialised with CRLF line endings and Bcc/Resent-Bcc hidden, through
/// <see cref="FormatOptions"/>: the caller's message object is never modified.
/// </summary>
internal sealed class MimeOutgoingMessage(MimeMessage message) : OutgoingMessage
{
    // Messages up to this size are serialised once: the dry run's copy is what goes on the wire.
    private const int SingleSerializationLimit = 1024 * 1024;

    private MessageInspection? _inspection;

    /// <summary>
    /// Lets MimeKit choose transfer encodings for parts that need one (a 3,000-character line from
    /// BodyBuilder, 8-bit text for a 7-bit server), then puts every part's encoding back when disposed,
    /// so the caller's message is as it was once Send returns.
    /// </summary>
    public override IDisposable Prepare(bool eightBitAllowed)
    {
        var parts = message.BodyParts.OfType<MimePart>().Select(p => (Part: p, Encoding: p.ContentTransferEncoding)).ToList();
        message.Prepare(eightBitAllowed ? EncodingConstraint.EightBit : EncodingConstraint.SevenBit, 998);
        return new Restore(parts);
    }

    private sealed class Restore(List<(MimePart Part, ContentEncoding Encoding)> parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (var (part, encoding) in parts)
            {
                if (part.ContentTransferEncoding != encoding)
                {
                    part.ContentTransferEncoding = encoding;
                }
            }
        }
    }

    public override MessageInspection Inspect(bool international)
    {
        _inspection?.Dispose();
        _inspection = new MessageInspection(SingleSerializationLimit);
        message.WriteTo(Options(international), _inspection);
        return _inspection;
    }

    public override async ValueTask WriteToAsync<TIo>(Stream destination, bool international, CancellationToken cancellationToken)
    {
        if (_inspection?.Retained is { } bytes)
        {
            await TIo.WriteAsync(destination, bytes, cancellationToken).ConfigureAwait(false);
        }
        else if (TIo.IsAsync)
        {
            await message.WriteToAsync(Options(international), destination, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            message.WriteTo(Options(international), destination, cancellationToken);
        }
    }

    public override void Dispose()
    {
        _inspection?.Dispose();
        base.Dispose();
    }

    private static FormatOptions Options(bool international)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.EnsureNewLine = true;
        options.International = international;
        options.HiddenHeaders.Add(HeaderId.Bcc);
        options.HiddenHeaders.Add(HeaderId.ResentBcc);
        return options;
    }
}

internal sealed class NoChange : IDisposable
{
    public static readonly NoChange Instance = new();

    public void Dispose()
    {
    }
}

/// <summary>The caller's bytes, sent unchanged apart from transport framing (pre-signed DKIM mail).</summary>
internal sealed class RawOutgoingMessage(Stream source) : OutgoingMessage
{
    public override MessageInspection? Inspect(bool international)
    {
        if (!source.CanSeek)
        {
            return null;
        }

        var start = source.Position;
        var inspection = new MessageInspection();
        source.CopyTo(inspection);
        source.Position = start;
        return inspection;
    }

    public override async ValueTask WriteToAsync<TIo>(Stream destination, bool international, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                var n = await TIo.ReadAsync(source, buffer, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                await TIo.WriteAsync(destination, buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
