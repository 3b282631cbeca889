using System.Collections.Generic;
using System.Linq;
using MimeKit;
using MimeKit.IO;

namespace NetComm.Mime;

/// <summary>One part in a <see cref="MessageOutline"/>: a multipart with children, a text part with its decoded text,
/// an attached message with its own outline, or an attachment with its name and size.</summary>
public sealed class MessageOutlinePart
{
    private MessageOutlinePart(string contentType, int depth)
    {
        ContentType = contentType;
        Depth = depth;
    }

    /// <summary>The MIME type in lower case, such as <c>text/plain</c> or <c>multipart/alternative</c>.</summary>
    public string ContentType { get; }

    /// <summary>How deep the part sits: 0 for the top part, 1 for its children, and so on.</summary>
    public int Depth { get; }

    /// <summary>The parts of a multipart, in order; empty for anything else.</summary>
    public IReadOnlyList<MessageOutlinePart> Children { get; private init; } = [];

    /// <summary>The charset named in Content-Type, or null.</summary>
    public string? Charset { get; private init; }

    /// <summary>For text/plain and text/html: the content decoded with its charset (MimeKit falls back sensibly when it is missing or wrong).</summary>
    public string? Text { get; private init; }

    /// <summary>The file name (Content-Disposition filename or Content-Type name, RFC 2231 and RFC 2047 decoded), or null.</summary>
    public string? FileName { get; private init; }

    /// <summary>For attachments: the size in bytes after the transfer encoding is undone; null otherwise.</summary>
    public long? Size { get; private init; }

    /// <summary>Whether the outline shows the part as an attachment (every leaf that is not text/plain or text/html, as in the tutorial).</summary>
    public bool IsAttachment { get; private init; }

    /// <summary>For message/rfc822 parts: the outline of the attached message; null otherwise.</summary>
    public MessageOutline? Message { get; private init; }

    internal static MessageOutlinePart Empty(int depth) => new("text/plain", depth) { Text = "" };

    internal static MessageOutlinePart Create(MimeEntity entity, int depth)
    {
        var type = entity.ContentType.MimeType.ToLowerInvariant();
        switch (entity)
        {
            case Multipart multipart:
                return new MessageOutlinePart(type, depth)
                {
                    Children = multipart.Select(child => Create(child, depth + 1)).ToArray(),
                };
            case MessagePart { Message: { } inner }:
                return new MessageOutlinePart(type, depth) { Message = MessageOutline.Create(inner, depth + 1) };
            case TextPart text when !text.IsAttachment && type is "text/plain" or "text/html":
                return new MessageOutlinePart(type, depth) { Charset = text.ContentType.Charset, Text = text.Text };
            case MimePart part:
                return new MessageOutlinePart(type, depth)
                {
                    Charset = part.ContentType.Charset,
                    FileName = part.FileName,
                    Size = DecodedSize(part),
                    IsAttachment = true,
                };
            default:
                return new MessageOutlinePart(type, depth) { IsAttachment = true };
        }
    }

    internal IEnumerable<MessageOutlinePart> DescendantsAndSelf()
    {
        yield return this;
        var below = Message is { } message ? message.Parts : Children.SelectMany(c => c.DescendantsAndSelf());
        foreach (var part in below)
        {
            yield return part;
        }
    }

    /// <summary>Decodes the content into a counting sink: the size is known without holding the bytes.</summary>
    private static long? DecodedSize(MimePart part)
    {
        if (part.Content is null)
        {
            return null;
        }

        using var measure = new MeasuringStream();
        part.Content.DecodeTo(measure);
        return measure.Length;
    }
}
