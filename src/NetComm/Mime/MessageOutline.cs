using System;
using System.Collections.Generic;
using System.Linq;
using MimeKit;

namespace NetComm.Mime;

/// <summary>
/// A readable summary of a <see cref="MimeMessage"/>, after the tutorial's <c>print_info</c>: decoded From, To and
/// Subject, then the tree of parts, with text parts decoded by their charset and attachments named and sized.
/// MimeKit does every decoding (RFC 2047 words, RFC 2231 names, transfer encodings, charsets).
/// </summary>
/// <example>
/// <code>
/// var message = await pop3.RetrieveAsync(stat.Count);
/// Console.WriteLine(MessageOutline.Create(message));
/// </code>
/// </example>
public sealed class MessageOutline
{
    private MessageOutline(string? from, string? to, string? subject, MessageOutlinePart body)
    {
        From = from;
        To = to;
        Subject = subject;
        Body = body;
    }

    /// <summary>The From addresses, decoded, as <c>name &lt;address&gt;</c> separated by commas; null when absent.</summary>
    public string? From { get; }

    /// <summary>The To addresses, decoded, as <c>name &lt;address&gt;</c> separated by commas; null when absent.</summary>
    public string? To { get; }

    /// <summary>The decoded subject; null when absent.</summary>
    public string? Subject { get; }

    /// <summary>The top part of the message (a multipart's children are below it).</summary>
    public MessageOutlinePart Body { get; }

    /// <summary>Every part, depth first, the top one included (parts of attached messages too).</summary>
    public IEnumerable<MessageOutlinePart> Parts => Body.DescendantsAndSelf();

    /// <summary>The parts shown as attachments (anything but text/plain and text/html).</summary>
    public IEnumerable<MessageOutlinePart> Attachments => Parts.Where(p => p.IsAttachment);

    /// <summary>Outlines <paramref name="message"/>.</summary>
    public static MessageOutline Create(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Create(message, depth: 0);
    }

    internal static MessageOutline Create(MimeMessage message, int depth)
        => new(
            Addresses(message.From),
            Addresses(message.To),
            message.Subject,
            message.Body is { } body ? MessageOutlinePart.Create(body, depth) : MessageOutlinePart.Empty(depth));

    /// <summary>
    /// The indented tree, as the tutorial's <c>print_info</c> prints it: <c>From:</c>, <c>To:</c> and <c>Subject:</c> lines,
    /// then for a multipart <c>part N</c> and a rule per child, each level indented by two more spaces; a text part
    /// as <c>Text: </c> and the start of its decoded text, anything else as <c>Attachment: </c> with its type, name and size.
    /// </summary>
    public override string ToString() => ToString(OutlineWriter.DefaultPreviewLength);

    /// <summary>The indented tree, with up to <paramref name="textPreviewLength"/> characters of each text part.</summary>
    public string ToString(int textPreviewLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(textPreviewLength);
        var writer = new OutlineWriter(textPreviewLength);
        writer.Write(this, indent: 0);
        return writer.ToString();
    }

    private static string? Addresses(InternetAddressList list)
        => list.Count == 0 ? null : string.Join(", ", list.Mailboxes.Select(Format));

    private static string Format(MailboxAddress mailbox)
        => string.IsNullOrEmpty(mailbox.Name) ? $"<{mailbox.Address}>" : $"{mailbox.Name} <{mailbox.Address}>";
}
