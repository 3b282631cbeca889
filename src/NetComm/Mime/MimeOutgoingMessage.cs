using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using NetComm.Mail.Internal;

namespace NetComm.Mime;

/// <summary>
/// A <see cref="MimeMessage"/> serialised with CRLF line endings and Bcc/Resent-Bcc hidden, through
/// <see cref="FormatOptions"/>. A message that can go as built is never modified. One that cannot (see
/// <see cref="NeedsFitting"/>) has its parts' transfer encodings chosen by MimeKit for the send and put back on
/// dispose: the caller's object is the same before and after, but must not be changed or sent elsewhere meanwhile.
/// </summary>
internal sealed class MimeOutgoingMessage(MimeMessage message) : OutgoingMessage
{
    // Messages up to this size are serialised once: the dry run's copy is what goes on the wire.
    private const int SingleSerializationLimit = 1024 * 1024;

    // Built once: MimeKit only reads format options while writing, and a clone per message is garbage per send.
    private static readonly FormatOptions s_ascii = Options(international: false);
    private static readonly FormatOptions s_international = Options(international: true);

    private MessageInspection? _inspection;
    private List<(MimePart Part, ContentEncoding Encoding)>? _originalEncodings;

    public override MessageInspection Inspect(bool international, bool eightBitAllowed, CancellationToken cancellationToken)
    {
        var inspection = InspectAsBuilt(international, cancellationToken);
        if (_originalEncodings is null && NeedsFitting(inspection, eightBitAllowed))
        {
            _originalEncodings = LeafParts(message).Select(p => (p, p.ContentTransferEncoding)).ToList();
            message.Prepare(eightBitAllowed ? EncodingConstraint.EightBit : EncodingConstraint.SevenBit, 998);
            inspection = InspectAsBuilt(international, cancellationToken);
        }

        return inspection;
    }

    /// <summary>
    /// True when the bytes as built would break SMTP's rules: a line over 998 octets or NUL (RFC 5321 4.5.3.1.6),
    /// 8-bit content for a server without 8BITMIME, or 8-bit content in a part that does not declare it
    /// (RFC 2045 6.1: no Content-Transfer-Encoding means 7bit).
    /// </summary>
    private bool NeedsFitting(MessageInspection inspection, bool eightBitAllowed)
        => inspection.NeedsBinary
            || (inspection.HasEightBit && (!eightBitAllowed || LeafParts(message).Any(
                p => p.ContentTransferEncoding is ContentEncoding.Default or ContentEncoding.SevenBit)));

    // MimeKit's Prepare also reaches the parts of attached messages (message/rfc822), which BodyParts does not list.
    private static IEnumerable<MimePart> LeafParts(MimeMessage root)
    {
        foreach (var entity in root.BodyParts)
        {
            if (entity is MimePart part)
            {
                yield return part;
            }
            else if (entity is MessagePart { Message: { } attached })
            {
                foreach (var inner in LeafParts(attached))
                {
                    yield return inner;
                }
            }
        }
    }

    private MessageInspection InspectAsBuilt(bool international, CancellationToken cancellationToken)
    {
        _inspection?.Dispose();
        _inspection = new MessageInspection(SingleSerializationLimit);
        message.WriteTo(Format(international), _inspection, cancellationToken);
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
            await message.WriteToAsync(Format(international), destination, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            message.WriteTo(Format(international), destination, cancellationToken);
        }
    }

    public override void Dispose()
    {
        _inspection?.Dispose();
        foreach (var (part, encoding) in _originalEncodings ?? [])
        {
            if (part.ContentTransferEncoding != encoding)
            {
                part.ContentTransferEncoding = encoding;
            }
        }

        _originalEncodings = null;
        base.Dispose();
    }

    private static FormatOptions Format(bool international) => international ? s_international : s_ascii;

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
