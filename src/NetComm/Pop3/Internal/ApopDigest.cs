using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace NetComm.Pop3.Internal;

/// <summary>APOP (RFC 1939 section 7): the greeting's timestamp and the MD5 digest of timestamp + password.</summary>
internal static class ApopDigest
{
    /// <summary>The <c>&lt;...@...&gt;</c> timestamp in a greeting, brackets included, or null when there is none.</summary>
    public static string? TimestampOf(string greeting)
    {
        var start = greeting.IndexOf('<', StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var end = greeting.IndexOf('>', start + 1);
        if (end < 0)
        {
            return null;
        }

        var timestamp = greeting[start..(end + 1)];

        // RFC 1939 gives it msg-id syntax; insisting on the '@' keeps a bracketed banner word from passing for one.
        return timestamp.Contains('@', StringComparison.Ordinal) && !timestamp.Any(char.IsWhiteSpace) ? timestamp : null;
    }

    /// <summary>The lower-case hex MD5 of the timestamp followed by the password.</summary>
    public static string Compute(string timestamp, string password)
    {
        // APOP is defined over MD5; the server chose it, and the password itself never crosses the wire.
#pragma warning disable CA5351
        var digest = MD5.HashData(Encoding.UTF8.GetBytes(timestamp + password));
#pragma warning restore CA5351
        return Convert.ToHexString(digest).ToLowerInvariant();
    }
}
