using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace NetComm.Testing.Internal;

// AUTH (RFC 4954) with PLAIN (RFC 4616), LOGIN and CRAM-MD5 (RFC 2195) checked against the configured users.
internal sealed partial class SmtpSession
{
    private enum SaslStep
    {
        Ok,
        Cancelled,
        Malformed,
        EndOfStream,
    }

    /// <summary>AUTH is advertised only where it may be used: with TLS, unless TLS is not required for it.</summary>
    private bool AuthOffered => Smtp.Auth && Smtp.AuthMechanisms.Count > 0 && (IsTls || !Options.RequireTlsForAuth);

    private Outcome Authenticate(string argument)
    {
        if (!Smtp.Auth || Smtp.AuthMechanisms.Count == 0)
        {
            Violation(ProtocolViolationKind.UnadvertisedExtension, "AUTH, which is not offered");
            Reply(502, "5.5.1", "AUTH not available");
            return Outcome.Continue;
        }

        if (_helo is null || !_extended)
        {
            Violation(ProtocolViolationKind.CommandOutOfSequence, "AUTH before EHLO");
            Reply(503, "5.5.1", "Send EHLO first");
            return Outcome.Continue;
        }

        if (_authUser is not null)
        {
            Violation(ProtocolViolationKind.CommandOutOfSequence, "AUTH after a successful AUTH");
            Reply(503, "5.5.1", "Already authenticated");
            return Outcome.Continue;
        }

        if (_from is not null)
        {
            Violation(ProtocolViolationKind.CommandOutOfSequence, "AUTH during a mail transaction");
            Reply(503, "5.5.1", "AUTH not allowed during a mail transaction");
            return Outcome.Continue;
        }

        if (!IsTls && Options.RequireTlsForAuth)
        {
            Violation(ProtocolViolationKind.AuthenticationWithoutTls, "AUTH on a connection without TLS");
            Reply(538, "5.7.11", "Encryption required for requested authentication mechanism");
            return Outcome.Continue;
        }

        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 2)
        {
            Violation(ProtocolViolationKind.SyntaxError, "AUTH needs a mechanism and at most one initial response");
            Reply(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
            return Outcome.Continue;
        }

        var mechanism = parts[0].ToUpperInvariant();
        var initial = parts.Length == 2 ? parts[1] : null;
        if (!Smtp.AuthMechanisms.Any(m => string.Equals(m, mechanism, StringComparison.OrdinalIgnoreCase)))
        {
            Reply(504, "5.5.4", "Unrecognized authentication type");
            return Outcome.Continue;
        }

        string? user;
        bool valid;
        SaslStep step;
        switch (mechanism)
        {
            case "PLAIN":
                step = Plain(initial, out user, out valid);
                break;
            case "LOGIN":
                step = Login(initial, out user, out valid);
                break;
            case "CRAM-MD5":
                step = CramMd5(initial, out user, out valid);
                break;
            default:
                Reply(504, "5.5.4", "Unrecognized authentication type");
                return Outcome.Continue;
        }

        switch (step)
        {
            case SaslStep.EndOfStream:
                return Outcome.EndOfStream;
            case SaslStep.Cancelled:
                Reply(501, "5.7.0", "Authentication cancelled");
                return Outcome.Continue;
            case SaslStep.Malformed:
                Violation(ProtocolViolationKind.SyntaxError, $"malformed {mechanism} exchange");
                Reply(501, "5.5.2", "Cannot decode the authentication response");
                return Outcome.Continue;
        }

        if (valid)
        {
            _authUser = user;
            _authMechanism = mechanism;
            Log.Authenticated(Logger, Protocol, Id, user!, mechanism);
            Reply(235, "2.7.0", "Authentication successful");
        }
        else
        {
            Log.AuthenticationFailed(Logger, Protocol, Id, user ?? "?", mechanism);
            Reply(535, "5.7.8", "Authentication credentials invalid");
        }

        return Outcome.Continue;
    }

    private SaslStep Plain(string? initial, out string? user, out bool valid)
    {
        user = null;
        valid = false;
        byte[] response;
        if (initial is null)
        {
            var step = Exchange(string.Empty, out response);
            if (step != SaslStep.Ok)
            {
                return step;
            }
        }
        else if (!TryDecode(initial, out response))
        {
            return SaslStep.Malformed;
        }

        // authzid NUL authcid NUL passwd
        var fields = Encoding.UTF8.GetString(response).Split('\0');
        if (fields.Length != 3)
        {
            return SaslStep.Malformed;
        }

        user = fields[1];
        valid = (fields[0].Length == 0 || fields[0] == fields[1]) && Check(fields[1], fields[2]);
        return SaslStep.Ok;
    }

    private SaslStep Login(string? initial, out string? user, out bool valid)
    {
        user = null;
        valid = false;
        byte[] name;
        if (initial is null)
        {
            var step = Exchange(Convert.ToBase64String("Username:"u8), out name);
            if (step != SaslStep.Ok)
            {
                return step;
            }
        }
        else if (!TryDecode(initial, out name))
        {
            return SaslStep.Malformed;
        }

        var passwordStep = Exchange(Convert.ToBase64String("Password:"u8), out var password);
        if (passwordStep != SaslStep.Ok)
        {
            return passwordStep;
        }

        user = Encoding.UTF8.GetString(name);
        valid = Check(user, Encoding.UTF8.GetString(password));
        return SaslStep.Ok;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "RFC 2195 defines CRAM-MD5 with HMAC-MD5; a test server must speak it.")]
    private SaslStep CramMd5(string? initial, out string? user, out bool valid)
    {
        user = null;
        valid = false;
        if (initial is not null)
        {
            // CRAM-MD5 starts with the server's challenge: a client response up front is a protocol error.
            return SaslStep.Malformed;
        }

        var challenge = string.Create(CultureInfo.InvariantCulture, $"<{RandomNumberGenerator.GetInt32(int.MaxValue)}.{Environment.TickCount64}@{Options.HostName}>");
        var step = Exchange(Convert.ToBase64String(Encoding.ASCII.GetBytes(challenge)), out var response);
        if (step != SaslStep.Ok)
        {
            return step;
        }

        // "user hexdigest", split at the last space.
        var text = Encoding.UTF8.GetString(response);
        var space = text.LastIndexOf(' ');
        if (space <= 0)
        {
            return SaslStep.Malformed;
        }

        user = text[..space];
        var digest = text[(space + 1)..];
        if (Server.FindUser(user) is { } found)
        {
            var expected = Convert.ToHexString(HMACMD5.HashData(Encoding.UTF8.GetBytes(found.Password), Encoding.ASCII.GetBytes(challenge)));
            valid = string.Equals(expected, digest, StringComparison.OrdinalIgnoreCase);
        }

        return SaslStep.Ok;
    }

    /// <summary>Sends a 334 challenge and reads the client's base64 answer ("*" cancels).</summary>
    private SaslStep Exchange(string challenge, out byte[] response)
    {
        response = [];
        Send(challenge.Length == 0 ? "334 " : "334 " + challenge);
        var status = ReadLine(out var line, out _, out _, secret: true);
        if (status == LineStatus.EndOfStream)
        {
            return SaslStep.EndOfStream;
        }

        if (status == LineStatus.TooLong)
        {
            return SaslStep.Malformed;
        }

        if (line == "*")
        {
            return SaslStep.Cancelled;
        }

        return TryDecode(line, out response) ? SaslStep.Ok : SaslStep.Malformed;
    }

    private bool Check(string user, string password)
        => Server.FindUser(user) is { } found && string.Equals(found.Password, password, StringComparison.Ordinal);

    private static bool TryDecode(string base64, out byte[] bytes)
    {
        // RFC 4954 §4: "=" is an empty initial response.
        if (base64 == "=")
        {
            bytes = [];
            return true;
        }

        bytes = new byte[base64.Length];
        if (Convert.TryFromBase64String(base64, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
