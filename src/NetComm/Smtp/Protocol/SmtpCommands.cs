using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetComm.Smtp.Protocol;

/// <summary>Formats MAIL FROM and RCPT TO with their ESMTP parameters. Addresses are checked so no argument can inject a command.</summary>
internal static class SmtpCommands
{
    public static string MailFrom(SmtpEnvelope envelope, long? size, string? body, bool smtpUtf8, bool dsn)
    {
        var command = new StringBuilder("MAIL FROM:<").Append(Address(envelope.Sender, smtpUtf8, allowEmpty: true)).Append('>');
        if (size is { } s)
        {
            command.Append(CultureInfo.InvariantCulture, $" SIZE={s}");
        }

        if (body is not null)
        {
            command.Append(" BODY=").Append(body);
        }

        if (smtpUtf8)
        {
            command.Append(" SMTPUTF8");
        }

        if (dsn && envelope.Return != DsnReturn.Default)
        {
            command.Append(envelope.Return == DsnReturn.Full ? " RET=FULL" : " RET=HDRS");
        }

        if (dsn && envelope.EnvelopeId is { } id)
        {
            command.Append(" ENVID=").Append(XText(id));
        }

        if (envelope.RequireTls)
        {
            command.Append(" REQUIRETLS");
        }

        return command.ToString();
    }

    public static string RcptTo(SmtpRecipient recipient, bool smtpUtf8, bool dsn)
    {
        var command = new StringBuilder("RCPT TO:<").Append(Address(recipient.Address, smtpUtf8, allowEmpty: false)).Append('>');
        if (dsn && recipient.Notify != DsnNotify.Default)
        {
            command.Append(" NOTIFY=").Append(Notify(recipient.Notify));
        }

        if (dsn && recipient.OriginalRecipient is { } original)
        {
            command.Append(" ORCPT=rfc822;").Append(XText(original));
        }

        return command.ToString();
    }

    /// <summary>Whether the envelope needs SMTPUTF8: a non-ASCII local part (a non-ASCII domain can go as punycode).</summary>
    public static bool NeedsSmtpUtf8(SmtpEnvelope envelope)
        => envelope.Recipients.Select(r => r.Address).Append(envelope.Sender).Any(a => !Ascii.IsValid(LocalPart(a)));

    public static bool UsesDsn(SmtpEnvelope envelope)
        => envelope.Return != DsnReturn.Default || envelope.EnvelopeId is not null
           || envelope.Recipients.Any(r => r.Notify != DsnNotify.Default || r.OriginalRecipient is not null);

    /// <summary>Refuses what could break out of the angle brackets of MAIL FROM or RCPT TO (command injection).</summary>
    public static string ValidateAddress(string address, bool allowEmpty)
    {
        if (address.Length == 0 && allowEmpty)
        {
            return address;
        }

        if (address.Length == 0 || address.Any(c => char.IsControl(c) || c is '<' or '>' || char.IsWhiteSpace(c)))
        {
            throw new ArgumentException($"'{address}' is not a mailbox address usable in an SMTP envelope (empty, or contains spaces, angle brackets or control characters).", nameof(address));
        }

        return address;
    }

    private static string Address(string address, bool smtpUtf8, bool allowEmpty)
    {
        if (ValidateAddress(address, allowEmpty).Length == 0)
        {
            return address;
        }

        var at = address.LastIndexOf('@');
        if (smtpUtf8 || at < 0 || Ascii.IsValid(address))
        {
            return address;
        }

        // A non-ASCII domain travels as punycode when the server does not speak SMTPUTF8.
        return address[..(at + 1)] + new IdnMapping().GetAscii(address[(at + 1)..]);
    }

    private static string LocalPart(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at];
    }

    private static string Notify(DsnNotify notify)
    {
        if ((notify & DsnNotify.Never) != 0)
        {
            return "NEVER";
        }

        var parts = new List<string>(3);
        if ((notify & DsnNotify.Success) != 0)
        {
            parts.Add("SUCCESS");
        }

        if ((notify & DsnNotify.Failure) != 0)
        {
            parts.Add("FAILURE");
        }

        if ((notify & DsnNotify.Delay) != 0)
        {
            parts.Add("DELAY");
        }

        return string.Join(',', parts);
    }

    /// <summary>RFC 3461 xtext: printable ASCII except '+' and '=', the rest as +XX.</summary>
    internal static string XText(string value)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 33 and <= 126 and not (byte)'+' and not (byte)'=')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"+{b:X2}");
            }
        }

        return text.ToString();
    }
}
