using System;
using System.Collections.Generic;

namespace NetComm.Smtp;

/// <summary>One SMTP reply: a three-digit code and one or more lines of text.</summary>
public sealed class SmtpReply
{
    /// <summary>Creates a reply.</summary>
    public SmtpReply(int code, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        Code = code;
        Lines = lines;
        var first = lines.Count > 0 ? lines[0] : "";
        var enhanced = Smtp.EnhancedStatusCode.TryParseFrom(first);
        if (enhanced is { } e && e.Class == code / 100)
        {
            EnhancedStatusCode = e;
        }
    }

    /// <summary>The three-digit reply code.</summary>
    public int Code { get; }

    /// <summary>The text of each line, without the code and separator.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The enhanced status code at the start of the text, when the server sent one consistent with <see cref="Code"/>.</summary>
    public EnhancedStatusCode? EnhancedStatusCode { get; }

    /// <summary>The lines joined with line feeds.</summary>
    public string Text => string.Join('\n', Lines);

    /// <summary>A 2xx reply.</summary>
    public bool IsSuccess => Code is >= 200 and < 300;

    /// <summary>A 4xx reply: the same command may work later.</summary>
    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>The reply as the server sent it (first line only for long replies).</summary>
    public override string ToString() => Lines.Count <= 1 ? $"{Code} {Text}" : $"{Code} {Lines[0]} (+{Lines.Count - 1} lines)";
}
