using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using NetComm.Transport;

namespace NetComm.Testing.Internal;

/// <summary>
/// One POP3 session (RFC 1939, with CAPA, PIPELINING and RESP-CODES from RFC 2449, STLS from RFC 2595, AUTH PLAIN from
/// RFC 5034). AUTHORIZATION state here; TRANSACTION and UPDATE in .Transaction.cs.
/// </summary>
internal sealed partial class Pop3Session : MailSession
{
    private readonly string _timestamp;
    private string? _pendingUser;
    private TestMailUser? _user;
    private TestMailbox? _mailbox;

    public Pop3Session(TestMailServer server, ITcpConnection connection, bool implicitTls, CancellationToken stopping)
        : base(server, connection, implicitTls, stopping)
    {
        _timestamp = string.Create(CultureInfo.InvariantCulture, $"<{Environment.ProcessId}.{RandomNumberGenerator.GetInt32(int.MaxValue)}@{server.Options.HostName}>");
    }

    protected override MailProtocol Protocol => MailProtocol.Pop3;

    private TestPop3Options Pop3 => Options.Pop3;

    private bool InTransaction => _mailbox is not null;

    private bool LoginAllowed => IsTls || !Options.RequireTlsForAuth;

    protected override string Serve()
    {
        Send(Pop3.Apop ? $"+OK NetComm.Testing POP3 server ready {_timestamp}" : "+OK NetComm.Testing POP3 server ready");
        while (true)
        {
            var status = ReadLine(out var line, out var flags, out var length);
            if (status == LineStatus.EndOfStream)
            {
                return "the client closed the connection";
            }

            if (status == LineStatus.TooLong)
            {
                Violation(ProtocolViolationKind.LineTooLong, $"a command line of {length} octets (the cap is {Options.MaxLineLength})");
                Err(null, "Line too long");
                continue;
            }

            var verb = VerbOf(line);
            if (RejectedByLineChecks(verb, line, flags, length))
            {
                continue;
            }

            var fault = InTransaction
                ? Faults.Take(MailProtocol.Pop3, verb, line, FaultAction.Reply, FaultAction.Disconnect, FaultAction.DisconnectDuringData)
                : Faults.Take(MailProtocol.Pop3, verb, line, FaultAction.Reply, FaultAction.Disconnect);
            if (fault is not null)
            {
                LogFault(fault.Action.ToString(), line);
                switch (fault.Action)
                {
                    case FaultAction.Disconnect:
                        return "an injected fault closed the connection";
                    case FaultAction.DisconnectDuringData:
                        if (DisconnectDuringRetrieve(ArgumentOf(line)))
                        {
                            return "an injected fault closed the connection during RETR";
                        }

                        continue;
                    default:
                        foreach (var reply in fault.Text.Split('\n', StringSplitOptions.TrimEntries))
                        {
                            Send(reply);
                        }

                        continue;
                }
            }

            var argument = ArgumentOf(line);
            var outcome = InTransaction ? Transaction(verb, argument) : Authorization(verb, argument);
            switch (outcome)
            {
                case Outcome.Quit:
                    return "QUIT";
                case Outcome.EndOfStream:
                    return "the client closed the connection";
            }
        }
    }

    protected override void End()
    {
        // A session that did not end with QUIT deletes nothing (RFC 1939 §6).
        _mailbox?.Unlock(this);
    }

    protected override string ClosingReply(string enhancedCode, string text) => $"-ERR {text}";

    protected override string Redact(string line)
    {
        var verb = VerbOf(line);
        return verb switch
        {
            "PASS" => "PASS ********",
            "APOP" => line.Split(' ') is { Length: 3 } parts ? $"APOP {parts[1]} ********" : line,
            "AUTH" => line.Split(' ', 3) is { Length: 3 } parts ? $"AUTH {parts[1]} ********" : line,
            _ => line,
        };
    }

    private Outcome Authorization(string verb, string argument)
    {
        switch (verb)
        {
            case "CAPA":
                Capabilities();
                return Outcome.Continue;
            case "STLS":
                StartTls();
                return Outcome.Continue;
            case "USER":
                User(argument);
                return Outcome.Continue;
            case "PASS":
                Pass(argument);
                return Outcome.Continue;
            case "APOP":
                Apop(argument);
                return Outcome.Continue;
            case "AUTH":
                return Authenticate(argument);
            case "QUIT":
                Send("+OK NetComm.Testing POP3 server signing off");
                return Outcome.Quit;
            case "STAT" or "LIST" or "UIDL" or "TOP" or "RETR" or "DELE" or "RSET" or "NOOP" or "LAST":
                Violation(ProtocolViolationKind.CommandOutOfSequence, $"{verb} before logging in");
                Err(null, "Not logged in");
                return Outcome.Continue;
            default:
                Violation(ProtocolViolationKind.UnknownCommand, $"unknown command \"{verb}\"");
                Err(null, "Unknown command");
                return Outcome.Continue;
        }
    }

    private void Capabilities()
    {
        var lines = new List<string> { "+OK Capability list follows" };
        if (Pop3.Top)
        {
            lines.Add("TOP");
        }

        if (Pop3.Uidl)
        {
            lines.Add("UIDL");
        }

        if (Pop3.User && LoginAllowed && !InTransaction)
        {
            lines.Add("USER");
        }

        if (Pop3.SaslPlain && LoginAllowed && !InTransaction)
        {
            lines.Add("SASL PLAIN");
        }

        if (Pop3.ResponseCodes)
        {
            lines.Add("RESP-CODES");
            lines.Add("AUTH-RESP-CODE");
        }

        if (Pop3.Pipelining)
        {
            lines.Add("PIPELINING");
        }

        if (Pop3.Stls && !IsTls && !InTransaction)
        {
            lines.Add("STLS");
        }

        lines.Add("EXPIRE NEVER");
        lines.Add("IMPLEMENTATION NetComm.Testing");
        lines.Add(".");
        foreach (var line in lines)
        {
            Send(line);
        }
    }

    private void StartTls()
    {
        if (IsTls)
        {
            Violation(ProtocolViolationKind.CommandOutOfSequence, "STLS on a connection that already uses TLS");
            Err(null, "TLS already active");
            return;
        }

        if (!Pop3.Stls)
        {
            Violation(ProtocolViolationKind.UnadvertisedExtension, "STLS, which is not offered");
            Err(null, "STLS not available");
            return;
        }

        Send("+OK Begin TLS negotiation");
        UpgradeToTls("STLS");
        _pendingUser = null;
    }

    private void User(string argument)
    {
        if (!Pop3.User)
        {
            Violation(ProtocolViolationKind.UnadvertisedExtension, "USER, which is not offered");
            Err(null, "USER not available");
            return;
        }

        if (!RequireTls("USER"))
        {
            return;
        }

        if (argument.Length == 0)
        {
            Violation(ProtocolViolationKind.SyntaxError, "USER without a name");
            Err(null, "Syntax: USER name");
            return;
        }

        // The same answer for every name, so a client cannot probe which users exist.
        _pendingUser = argument;
        Send("+OK");
    }

    private void Pass(string argument)
    {
        if (_pendingUser is null)
        {
            Violation(ProtocolViolationKind.CommandOutOfSequence, "PASS without USER");
            Err(null, "USER first");
            return;
        }

        var name = _pendingUser;
        _pendingUser = null;
        if (!RequireTls("PASS"))
        {
            return;
        }

        var user = Server.FindUser(name);
        Login(user is not null && string.Equals(user.Password, argument, StringComparison.Ordinal) ? user : null, name, "USER/PASS");
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "RFC 1939 §7 defines APOP with MD5; a test server must speak it.")]
    private void Apop(string argument)
    {
        if (!Pop3.Apop)
        {
            Violation(ProtocolViolationKind.UnadvertisedExtension, "APOP without a timestamp in the greeting");
            Err(null, "APOP not available");
            return;
        }

        if (!RequireTls("APOP"))
        {
            return;
        }

        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            Violation(ProtocolViolationKind.SyntaxError, "APOP needs a name and a digest");
            Err(null, "Syntax: APOP name digest");
            return;
        }

        var user = Server.FindUser(parts[0]);
        var valid = user is not null && string.Equals(
            Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(_timestamp + user.Password))),
            parts[1],
            StringComparison.OrdinalIgnoreCase);
        Login(valid ? user : null, parts[0], "APOP");
    }

    private Outcome Authenticate(string argument)
    {
        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !string.Equals(parts[0], "PLAIN", StringComparison.OrdinalIgnoreCase) || !Pop3.SaslPlain || parts.Length > 2)
        {
            Err(null, "Unsupported authentication mechanism");
            return Outcome.Continue;
        }

        if (!RequireTls("AUTH"))
        {
            return Outcome.Continue;
        }

        string response;
        if (parts.Length == 2)
        {
            response = parts[1];
        }
        else
        {
            Send("+ ");
            var status = ReadLine(out response, out _, out _, secret: true);
            if (status == LineStatus.EndOfStream)
            {
                return Outcome.EndOfStream;
            }

            if (status == LineStatus.TooLong)
            {
                response = string.Empty;
            }
        }

        if (response == "*")
        {
            Err(null, "Authentication cancelled");
            return Outcome.Continue;
        }

        var decoded = new byte[response.Length];
        string[] fields;
        if (response == "=")
        {
            fields = [];
        }
        else if (Convert.TryFromBase64String(response, decoded, out var written))
        {
            fields = Encoding.UTF8.GetString(decoded, 0, written).Split('\0');
        }
        else
        {
            fields = [];
        }

        if (fields.Length != 3)
        {
            Violation(ProtocolViolationKind.SyntaxError, "malformed AUTH PLAIN response");
            Err(null, "Cannot decode the authentication response");
            return Outcome.Continue;
        }

        var user = Server.FindUser(fields[1]);
        var valid = user is not null && (fields[0].Length == 0 || fields[0] == fields[1]) && string.Equals(user.Password, fields[2], StringComparison.Ordinal);
        Login(valid ? user : null, fields[1], "PLAIN");
        return Outcome.Continue;
    }

    /// <summary>False, with the refusal queued, when credentials may not be sent on this connection.</summary>
    private bool RequireTls(string command)
    {
        if (LoginAllowed)
        {
            return true;
        }

        Violation(ProtocolViolationKind.AuthenticationWithoutTls, $"{command} on a connection without TLS");
        Err("AUTH", "Plaintext authentication disallowed on non-secure connections; use STLS");
        return false;
    }

    /// <summary>Enters TRANSACTION state for <paramref name="user"/> (null when the credentials were wrong), taking the maildrop lock.</summary>
    private void Login(TestMailUser? user, string name, string mechanism)
    {
        if (user is null)
        {
            Log.AuthenticationFailed(Logger, Protocol, Id, name, mechanism);
            Err("AUTH", "Invalid credentials");
            return;
        }

        var mailbox = Server.MailboxOf(user);
        var messages = mailbox.TryLock(this);
        if (messages is null)
        {
            Err("IN-USE", "Maildrop already locked by another session");
            return;
        }

        _user = user;
        _mailbox = mailbox;
        _messages = messages;
        _deleted = new bool[messages.Length];
        Log.Authenticated(Logger, Protocol, Id, user.Name, mechanism);
        Send(string.Create(CultureInfo.InvariantCulture, $"+OK {user.Name} has {messages.Length} messages ({messages.Sum(m => (long)m.Size)} octets)"));
    }

    /// <summary>Queues "-ERR [CODE] text"; the response code only when RESP-CODES is on.</summary>
    private void Err(string? code, string text)
        => Send(code is not null && Pop3.ResponseCodes ? $"-ERR [{code}] {text}" : "-ERR " + text);

    private bool RejectedByLineChecks(string verb, string line, LineFlags flags, int length)
    {
        var reject = false;
        if ((flags & LineFlags.BareLineFeed) != 0)
        {
            reject |= Violation(ProtocolViolationKind.BareLineFeed, $"command line ended by a bare LF: \"{Redact(line)}\"");
        }

        if ((flags & LineFlags.BareCarriageReturn) != 0)
        {
            reject |= Violation(ProtocolViolationKind.BareCarriageReturn, $"bare CR in command line \"{Redact(line)}\"");
        }

        // RFC 2449 §4: a command line is at most 255 octets with its CRLF; AUTH is exempt (RFC 5034 §4).
        if (length > 253 && verb != "AUTH")
        {
            reject |= Violation(ProtocolViolationKind.LineTooLong, $"a command line of {length} octets (RFC 2449 allows 255 with CRLF)");
        }

        if ((flags & LineFlags.Pipelined) != 0 && !Pop3.Pipelining)
        {
            reject |= Violation(ProtocolViolationKind.UnadvertisedPipelining, $"\"{Redact(line)}\" was sent before the previous reply, but PIPELINING is not offered");
        }

        if (reject)
        {
            Err(null, "Malformed or pipelined command rejected (strict mode)");
        }

        return reject;
    }
}
