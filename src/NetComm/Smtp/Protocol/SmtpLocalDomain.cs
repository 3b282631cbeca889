using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace NetComm.Smtp.Protocol;

/// <summary>EHLO names that are valid by construction (RFC 5321 4.1.1.1: a domain or an address literal).</summary>
internal static class SmtpLocalDomain
{
    public static string Validate(string value)
    {
        if (IsAddressLiteral(value) || IsDomain(value))
        {
            return value;
        }

        throw new ArgumentException($"'{value}' is neither a domain name nor an address literal like [192.0.2.1] or [IPv6:2001:db8::1].", nameof(value));
    }

    /// <summary>The machine's FQDN when it has one, else the literal of the local address of the connection.</summary>
    public static string Derive(EndPoint? local)
    {
        try
        {
            var name = Dns.GetHostName();
            if (name.Contains('.', StringComparison.Ordinal) && IsDomain(name))
            {
                return name;
            }
        }
        catch (SocketException)
        {
            // No host name: the address literal below is always valid.
        }

        return local is IPEndPoint ip ? Literal(ip.Address) : "[127.0.0.1]";
    }

    public static string Literal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[IPv6:{address}]" : $"[{address}]";
    }

    private static bool IsAddressLiteral(string value)
    {
        if (value.Length < 3 || value[0] != '[' || value[^1] != ']')
        {
            return false;
        }

        var inner = value[1..^1];
        return inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase)
            ? IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
            : IPAddress.TryParse(inner, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && inner.Count(c => c == '.') == 3;
    }

    private static bool IsDomain(string value)
    {
        if (value.Length is 0 or > 253)
        {
            return false;
        }

        var ascii = value;
        try
        {
            ascii = new IdnMapping().GetAscii(value);
        }
        catch (ArgumentException)
        {
            return false;
        }

        return ascii.Split('.').All(label =>
            label.Length is >= 1 and <= 63
            && char.IsAsciiLetterOrDigit(label[0]) && char.IsAsciiLetterOrDigit(label[^1])
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
    }
}
