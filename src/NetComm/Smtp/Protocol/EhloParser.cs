using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetComm.Smtp.Protocol;

/// <summary>Turns an EHLO reply into <see cref="SmtpCapabilities"/>.</summary>
internal static class EhloParser
{
    private static readonly Dictionary<string, SmtpExtensions> s_known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SIZE"] = SmtpExtensions.Size,
        ["PIPELINING"] = SmtpExtensions.Pipelining,
        ["8BITMIME"] = SmtpExtensions.EightBitMime,
        ["BINARYMIME"] = SmtpExtensions.BinaryMime,
        ["CHUNKING"] = SmtpExtensions.Chunking,
        ["SMTPUTF8"] = SmtpExtensions.SmtpUtf8,
        ["DSN"] = SmtpExtensions.Dsn,
        ["ENHANCEDSTATUSCODES"] = SmtpExtensions.EnhancedStatusCodes,
        ["AUTH"] = SmtpExtensions.Authentication,
        ["STARTTLS"] = SmtpExtensions.StartTls,
        ["REQUIRETLS"] = SmtpExtensions.RequireTls,
    };

    public static SmtpCapabilities Parse(SmtpReply reply)
    {
        var extensions = SmtpExtensions.None;
        long? maxSize = null;
        var mechanisms = new List<string>();
        var keywords = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var serverName = reply.Lines.Count > 0 ? reply.Lines[0].Split(' ', 2)[0] : "";
        foreach (var line in reply.Lines.Skip(1))
        {
            // "AUTH=LOGIN PLAIN" is the pre-standard spelling some servers still send.
            var separator = line.IndexOfAny([' ', '=']);
            var keyword = (separator < 0 ? line : line[..separator]).ToUpperInvariant();
            var parameters = separator < 0 ? "" : line[(separator + 1)..].Trim();
            keywords.TryAdd(keyword, parameters);
            if (s_known.TryGetValue(keyword, out var extension))
            {
                extensions |= extension;
            }

            if (keyword == "SIZE" && long.TryParse(parameters, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0)
            {
                maxSize = size;
            }

            if (keyword == "AUTH")
            {
                foreach (var name in parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!mechanisms.Contains(name, StringComparer.OrdinalIgnoreCase))
                    {
                        mechanisms.Add(name.ToUpperInvariant());
                    }
                }
            }
        }

        return new SmtpCapabilities(serverName, extensions, maxSize, mechanisms, keywords);
    }
}
