using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetComm.Testing.Internal;

// MAIL FROM and RCPT TO (RFC 5321 §4.1.1.2-3) with the parameters of SIZE, 8BITMIME, SMTPUTF8, DSN, REQUIRETLS, AUTH.
internal sealed partial class SmtpSession
{
    private string? _from;
    private Dictionary<string, string?>? _mailParameters;
    private readonly List<EnvelopeRecipient> _recipients = [];
    private bool _rcptAttempted;

    // Set when MAIL was refused: a pipelining client's RCPT and DATA that follow get 503 without blame.
    private bool _mailFailed;

    private void ResetTransaction()
    {
        _from = null;
        _mailParameters = null;
        _recipients.Clear();
        _rcptAttempted = false;
        _bdat = null;
    }

    private void Mail(string argument)
    {
        if (_helo is null)
        {
            Violation(ProtocolViolationKind.CommandOutOfSequence, "MAIL before EHLO/HELO");
            Reply(503, "5.5.1", "Send EHLO or HELO first");
            return;
        }

        if (_from is not null)
        {
            Violation(ProtocolViolationKind.CommandOutOfSequence, "MAIL inside a mail transaction (nested MAIL)");
            Reply(503, "5.5.1", "Nested MAIL command");
            return;
        }

        _mailFailed = true;
        if (Smtp.RequireAuthentication && _authUser is null)
        {
            Reply(530, "5.7.0", "Authentication required");
            return;
        }

        if (!TryParsePath(argument, "FROM:", out var path, out var parameters, out var error))
        {
            Violation(ProtocolViolationKind.SyntaxError, $"MAIL {argument}: {error}");
            Reply(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]");
            return;
        }

        foreach (var (key, value) in parameters)
        {
            if (!CheckMailParameter(key, value))
            {
                return;
            }
        }

        if (!IsAscii(path) && !parameters.ContainsKey("SMTPUTF8"))
        {
            Violation(ProtocolViolationKind.Utf8WithoutSmtpUtf8, $"non-ASCII sender <{path}> without SMTPUTF8");
            Reply(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
            return;
        }

        _from = path;
        _mailParameters = parameters;
        _recipients.Clear();
        _rcptAttempted = false;
        _mailFailed = false;
        Reply(250, "2.1.0", "Ok");
    }

    /// <summary>Checks one MAIL parameter; false after queueing the refusal.</summary>
    private bool CheckMailParameter(string key, string? value)
    {
        switch (key)
        {
            case "SIZE":
                if (!Advertised(SmtpExtensions.Size, key))
                {
                    return false;
                }

                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                {
                    return BadParameter(key, value);
                }

                if (size > Options.MaxMessageSize)
                {
                    Reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
                    Log.MessageTooLarge(Logger, Id, size, Options.MaxMessageSize);
                    return false;
                }

                return true;

            case "BODY":
                switch (value?.ToUpperInvariant())
                {
                    case "7BIT":
                        return _extended || Advertised(SmtpExtensions.EightBitMime, key);
                    case "8BITMIME":
                        return Advertised(SmtpExtensions.EightBitMime, "BODY=8BITMIME");
                    case "BINARYMIME":
                        return Advertised(SmtpExtensions.BinaryMime, "BODY=BINARYMIME");
                    default:
                        return BadParameter(key, value);
                }

            case "SMTPUTF8":
                return Advertised(SmtpExtensions.SmtpUtf8, key) && (value is null || BadParameter(key, value));

            case "RET":
                return Advertised(SmtpExtensions.Dsn, key)
                    && (value?.ToUpperInvariant() is "FULL" or "HDRS" || BadParameter(key, value));

            case "ENVID":
                return Advertised(SmtpExtensions.Dsn, key) && (!string.IsNullOrEmpty(value) || BadParameter(key, value));

            case "REQUIRETLS":
                return Advertised(SmtpExtensions.RequireTls, key) && (value is null || BadParameter(key, value));

            case "AUTH":
                return Advertised(SmtpExtensions.Auth, key) && (!string.IsNullOrEmpty(value) || BadParameter(key, value));

            default:
                Violation(ProtocolViolationKind.UnadvertisedExtension, $"unknown MAIL parameter {key}");
                Reply(555, "5.5.4", $"Unsupported parameter {key}");
                return false;
        }
    }

    private void Recipient(string argument)
    {
        if (_from is null)
        {
            if (!_mailFailed)
            {
                Violation(ProtocolViolationKind.CommandOutOfSequence, "RCPT before MAIL");
            }

            Reply(503, "5.5.1", "Need MAIL command first");
            return;
        }

        _rcptAttempted = true;
        if (!TryParsePath(argument, "TO:", out var path, out var parameters, out var error) || path.Length == 0)
        {
            Violation(ProtocolViolationKind.SyntaxError, $"RCPT {argument}: {error ?? "empty forward-path"}");
            Reply(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]");
            return;
        }

        foreach (var (key, value) in parameters)
        {
            var ok = key switch
            {
                "NOTIFY" => Advertised(SmtpExtensions.Dsn, key) && (IsValidNotify(value) || BadParameter(key, value)),
                "ORCPT" => Advertised(SmtpExtensions.Dsn, key) && (value?.Contains(';', StringComparison.Ordinal) == true || BadParameter(key, value)),
                _ => UnknownRcptParameter(key),
            };
            if (!ok)
            {
                return;
            }
        }

        if (!IsAscii(path) && _mailParameters?.ContainsKey("SMTPUTF8") != true)
        {
            Violation(ProtocolViolationKind.Utf8WithoutSmtpUtf8, $"non-ASCII recipient <{path}> without SMTPUTF8");
            Reply(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
            return;
        }

        if (_recipients.Count >= Options.MaxRecipients)
        {
            Reply(452, "4.5.3", "Too many recipients");
            return;
        }

        var user = Server.FindRecipient(path);
        if (user is null && !Smtp.AcceptUnknownRecipients)
        {
            Reply(550, "5.1.1", "No such user here");
            return;
        }

        _recipients.Add(new EnvelopeRecipient(path, parameters, user?.Name));
        Reply(250, "2.1.5", "Ok");
    }

    private bool UnknownRcptParameter(string key)
    {
        Violation(ProtocolViolationKind.UnadvertisedExtension, $"unknown RCPT parameter {key}");
        Reply(555, "5.5.4", $"Unsupported parameter {key}");
        return false;
    }

    /// <summary>False (with a 555 queued and a violation recorded) when the extension behind a parameter was not advertised.</summary>
    private bool Advertised(SmtpExtensions extension, string what)
    {
        if ((_advertised & extension) != 0)
        {
            return true;
        }

        Violation(ProtocolViolationKind.UnadvertisedExtension, $"{what} without {extension.ToString().ToUpperInvariant()} advertised in this session");
        Reply(555, "5.5.4", $"{what} not supported");
        return false;
    }

    private bool BadParameter(string key, string? value)
    {
        Violation(ProtocolViolationKind.SyntaxError, $"bad parameter {key}{(value is null ? "" : "=" + value)}");
        Reply(501, "5.5.4", $"Invalid value for {key}");
        return false;
    }

    private static bool IsValidNotify(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var items = value.ToUpperInvariant().Split(',');
        return items is ["NEVER"] || items.All(i => i is "SUCCESS" or "FAILURE" or "DELAY");
    }

    /// <summary>Parses "FROM:&lt;path&gt; KEY=VALUE KEY" (a space after the colon is tolerated, as most servers do).</summary>
    private static bool TryParsePath(string argument, string keyword, out string path, out Dictionary<string, string?> parameters, out string? error)
    {
        path = string.Empty;
        parameters = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        error = null;
        if (!argument.StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
        {
            error = $"expected {keyword}<address>";
            return false;
        }

        var rest = argument[keyword.Length..].TrimStart();
        if (!rest.StartsWith('<'))
        {
            error = "the address must be in angle brackets";
            return false;
        }

        var close = rest.IndexOf('>', StringComparison.Ordinal);
        if (close < 0)
        {
            error = "no closing angle bracket";
            return false;
        }

        path = rest[1..close];

        // A source route (<@a,@b:user@c>) is obsolete; keep the mailbox (RFC 5321 §4.1.1.2).
        if (path.StartsWith('@') && path.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
        {
            path = path[(colon + 1)..];
        }

        if (path.Contains(' ', StringComparison.Ordinal))
        {
            error = "space in the address";
            return false;
        }

        foreach (var token in rest[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var key = (equals < 0 ? token : token[..equals]).ToUpperInvariant();
            var value = equals < 0 ? null : token[(equals + 1)..];
            if (key.Length == 0 || !parameters.TryAdd(key, value))
            {
                error = $"empty or repeated parameter {key}";
                return false;
            }
        }

        return true;
    }

    private static bool IsAscii(string text) => System.Text.Ascii.IsValid(text);
}
