using System;
using System.Globalization;
using System.Linq;

namespace NetComm.Smtp;

/// <summary>An RFC 3463 enhanced status code, <c>class.subject.detail</c> (for example 5.1.1: bad destination mailbox).</summary>
/// <param name="Class">2 success, 4 persistent transient failure, 5 permanent failure.</param>
/// <param name="Subject">The area: 1 addressing, 2 mailbox, 3 mail system, 4 network, 5 protocol, 6 content, 7 security.</param>
/// <param name="Detail">The specific condition within the subject.</param>
public readonly record struct EnhancedStatusCode(int Class, int Subject, int Detail)
{
    /// <summary>Parses the code at the start of <paramref name="text"/>; null when there is none.</summary>
    public static EnhancedStatusCode? TryParseFrom(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var end = text.IndexOf(' ', StringComparison.Ordinal);
        var token = end < 0 ? text : text[..end];
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] is not ("2" or "4" or "5"))
        {
            return null;
        }

        if (!TryPart(parts[1], out var subject) || !TryPart(parts[2], out var detail))
        {
            return null;
        }

        return new EnhancedStatusCode(parts[0][0] - '0', subject, detail);
    }

    /// <summary>Formats as <c>class.subject.detail</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Class}.{Subject}.{Detail}");

    private static bool TryPart(string part, out int value)
    {
        value = 0;
        return part.Length is >= 1 and <= 3 && part.All(char.IsAsciiDigit) && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
