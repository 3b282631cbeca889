using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetComm.Mime;

/// <summary>Prints a <see cref="MessageOutline"/> in the shape of the tutorial's <c>print_info</c> output.</summary>
internal sealed class OutlineWriter(int previewLength)
{
    public const int DefaultPreviewLength = 60;

    private const string Rule = "--------------------";

    private readonly StringBuilder _text = new();

    public void Write(MessageOutline outline, int indent)
    {
        Line(indent, "From: " + outline.From);
        Line(indent, "To: " + outline.To);
        Line(indent, "Subject: " + outline.Subject);
        Write(outline.Body, indent);
    }

    public override string ToString() => _text.ToString();

    private void Write(MessageOutlinePart part, int indent)
    {
        if (part.Message is { } message)
        {
            Write(message, indent);
            return;
        }

        if (part.Children.Count > 0)
        {
            for (var i = 0; i < part.Children.Count; i++)
            {
                Line(indent, string.Create(CultureInfo.InvariantCulture, $"part {i}"));
                Line(indent, Rule);
                Write(part.Children[i], indent + 1);
            }

            return;
        }

        if (!part.IsAttachment)
        {
            Line(indent, "Text: " + Preview(part.Text ?? "") + "...");
            return;
        }

        var details = new List<string>();
        if (part.FileName is { } name)
        {
            details.Add(name);
        }

        if (part.Size is { } size)
        {
            details.Add(string.Create(CultureInfo.InvariantCulture, $"{size:N0} bytes"));
        }

        Line(indent, "Attachment: " + part.ContentType + (details.Count > 0 ? $" ({string.Join(", ", details)})" : ""));
    }

    /// <summary>The start of the text on one line: runs of white space (line breaks included) become one space.</summary>
    private string Preview(string text)
    {
        var flat = new StringBuilder();
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = flat.Length > 0;
                continue;
            }

            if (flat.Length + (space ? 1 : 0) >= previewLength)
            {
                break;
            }

            if (space)
            {
                flat.Append(' ');
                space = false;
            }

            flat.Append(c);
        }

        return flat.ToString().TrimEnd();
    }

    private void Line(int indent, string text) => _text.Append(' ', indent * 2).Append(text).Append('\n');
}
