using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using NetComm.Transport;

namespace NetComm.Testing.Internal;

/// <summary>The extensions an EHLO reply listed: what the client may use until the next EHLO.</summary>
[Flags]
internal enum SmtpExtensions
{
    None = 0,
    Pipelining = 1 << 0,
    Size = 1 << 1,
    EightBitMime = 1 << 2,
    SmtpUtf8 = 1 << 3,
    Chunking = 1 << 4,
    BinaryMime = 1 << 5,
    Dsn = 1 << 6,
    EnhancedStatusCodes = 1 << 7,
    StartTls = 1 << 8,
    Auth = 1 << 9,
    RequireTls = 1 << 10,
}

/// <summary>How a command left the session.</summary>
internal enum Outcome
{
    Continue,
    Quit,
    EndOfStream,
    Disconnect,
}

/// <summary>
/// One SMTP session (RFC 5321 with the extensions in <see cref="TestSmtpOptions"/>), on its connection's thread.
/// Split by concern: commands and EHLO here, AUTH in .Auth.cs, MAIL/RCPT in .Envelope.cs, DATA/BDAT in .Data.cs.
/// </summary>
internal sealed partial class SmtpSession : MailSession
{
    /// <summary>RFC 5321 §4.5.3.1.6: a line is at most 1000 octets with its CRLF.</summary>
    private const int MaxTextLine = 998;

    private string? _helo;
    private bool _extended;
    private SmtpExtensions _advertised;
    private string? _authUser;
    private string? _authMechanism;
    private int _accepted;

    public SmtpSession(TestMailServer server, ITcpConnection connection, bool implicitTls, CancellationToken stopping)
        : base(server, connection, implicitTls, stopping)
    {
    }

    protected override MailProtocol Protocol => MailProtocol.Smtp;

    private TestSmtpOptions Smtp => Options.Smtp;

    protected override string Serve()
    {
        Send($"220 {Options.HostName} ESMTP NetComm.Testing ready");
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
                Reply(500, "5.5.2", "Line too long");
                continue;
            }

            var verb = VerbOf(line);
            if (RejectedByLineChecks(verb, line, flags, length))
            {
                continue;
            }

            if (verb == "MAIL" && Faults.MessagesPerConnection is > 0 and var limit && _accepted >= limit)
            {
                LogFault("LimitMessagesPerConnection", line);
                Reply(421, "4.7.0", $"Too many messages on one connection (limit {limit}), closing connection");
                return "the per-connection message limit closed the connection";
            }

            var fault = Faults.Take(MailProtocol.Smtp, verb, line, FaultAction.Reply, FaultAction.ReplyAndClose, FaultAction.Disconnect);
            if (fault is not null)
            {
                LogFault(fault.Action.ToString(), line);
                if (fault.Action == FaultAction.Disconnect)
                {
                    return "an injected fault closed the connection";
                }

                SendFault(fault);
                if (fault.Action == FaultAction.ReplyAndClose)
                {
                    return "an injected 421 closed the connection";
                }

                NoteRefusal(verb, fault.Code);
                continue;
            }

            switch (Dispatch(verb, line))
            {
                case Outcome.Quit:
                    return "QUIT";
                case Outcome.EndOfStream:
                    return "the client closed the connection";
                case Outcome.Disconnect:
                    return "an injected fault closed the connection";
            }
        }
    }

    protected override string ClosingReply(string enhancedCode, string text) => $"421 {enhancedCode} {Options.HostName} {text}";

    protected override string Redact(string line)
    {
        if (!line.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase))
        {
            return line;
        }

        var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 2 ? $"{parts[0]} {parts[1]} ********" : line;
    }

    private Outcome Dispatch(string verb, string line)
    {
        var argument = ArgumentOf(line).Trim();
        switch (verb)
        {
            case "EHLO":
            case "HELO":
                Hello(verb == "EHLO", argument);
                return Outcome.Continue;
            case "STARTTLS":
                StartTls(argument);
                return Outcome.Continue;
            case "AUTH":
                return Authenticate(argument);
            case "MAIL":
                Mail(argument);
                return Outcome.Continue;
            case "RCPT":
                Recipient(argument);
                return Outcome.Continue;
            case "DATA":
                return Data(argument);
            case "BDAT":
                return Bdat(argument);
            case "RSET":
                ResetTransaction();
                _mailFailed = false;
                Reply(250, "2.0.0", "Ok");
                return Outcome.Continue;
            case "NOOP":
                Reply(250, "2.0.0", "Ok");
                return Outcome.Continue;
            case "QUIT":
                Reply(221, "2.0.0", "Bye");
                return Outcome.Quit;
            case "VRFY":
                if (argument.Length == 0)
                {
                    Violation(ProtocolViolationKind.SyntaxError, "VRFY without an argument");
                    Reply(501, "5.5.4", "Syntax: VRFY <address>");
                }
                else
                {
                    Reply(252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery");
                }

                return Outcome.Continue;
            case "EXPN":
                Reply(502, "5.5.1", "EXPN not available");
                return Outcome.Continue;
            case "HELP":
                Reply(214, "2.0.0", "Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA BDAT RSET NOOP VRFY QUIT");
                return Outcome.Continue;
            default:
                Violation(ProtocolViolationKind.UnknownCommand, $"unknown command \"{Truncate(line)}\"");
                Reply(500, "5.5.2", "Command not recognized");
                return Outcome.Continue;
        }
    }

    /// <summary>Checks a command line's form; true when strict mode rejected it (the reply is queued).</summary>
    private bool RejectedByLineChecks(string verb, string line, LineFlags flags, int length)
    {
        var reject = false;
        if ((flags & LineFlags.BareLineFeed) != 0)
        {
            reject |= Violation(ProtocolViolationKind.BareLineFeed, $"command line ended by a bare LF: \"{Truncate(Redact(line))}\"");
        }

        if ((flags & LineFlags.BareCarriageReturn) != 0)
        {
            reject |= Violation(ProtocolViolationKind.BareCarriageReturn, $"bare CR in command line \"{Truncate(Redact(line))}\"");
        }

        // RFC 4954 §4 lets AUTH lines run to 12288 octets.
        if (length > MaxTextLine && verb != "AUTH")
        {
            reject |= Violation(ProtocolViolationKind.LineTooLong, $"a command line of {length} octets (RFC 5321 allows 1000 with CRLF)");
        }

        if ((flags & LineFlags.Pipelined) != 0 && (_advertised & SmtpExtensions.Pipelining) == 0)
        {
            var why = Smtp.Pipelining ? "before EHLO advertised PIPELINING" : "but PIPELINING is not offered";
            if (Violation(ProtocolViolationKind.UnadvertisedPipelining, $"\"{Truncate(Redact(line))}\" was sent before the previous reply, {why}"))
            {
                Reply(503, "5.5.0", "Command pipelined, but PIPELINING was not advertised");
                return true;
            }
        }

        if (reject)
        {
            Reply(500, "5.5.2", "Malformed command line rejected (strict mode)");
        }

        return reject;
    }

    private void Hello(bool extended, string argument)
    {
        if (argument.Length == 0 || argument.Contains(' ', StringComparison.Ordinal))
        {
            Violation(ProtocolViolationKind.SyntaxError, $"{(extended ? "EHLO" : "HELO")} needs exactly one domain or address literal");
            Reply(501, "5.5.4", $"Syntax: {(extended ? "EHLO" : "HELO")} hostname");
            return;
        }

        ResetTransaction();
        _mailFailed = false;
        _helo = argument;
        _extended = extended;
        if (!extended)
        {
            _advertised = SmtpExtensions.None;
            Reply(250, null, $"{Options.HostName} Hello {argument}");
            return;
        }

        var lines = new List<string> { $"{Options.HostName} Hello {argument}" };
        var offered = SmtpExtensions.None;
        void Offer(bool enabled, SmtpExtensions extension, string keyword)
        {
            if (enabled)
            {
                offered |= extension;
                lines.Add(keyword);
            }
        }

        Offer(Smtp.Pipelining, SmtpExtensions.Pipelining, "PIPELINING");
        Offer(Smtp.Size, SmtpExtensions.Size, "SIZE " + Options.MaxMessageSize.ToString(CultureInfo.InvariantCulture));
        Offer(Smtp.EightBitMime, SmtpExtensions.EightBitMime, "8BITMIME");
        Offer(Smtp.SmtpUtf8, SmtpExtensions.SmtpUtf8, "SMTPUTF8");
        Offer(Smtp.Chunking, SmtpExtensions.Chunking, "CHUNKING");
        Offer(Smtp.Chunking && Smtp.BinaryMime, SmtpExtensions.BinaryMime, "BINARYMIME");
        Offer(Smtp.Dsn, SmtpExtensions.Dsn, "DSN");
        Offer(Smtp.EnhancedStatusCodes, SmtpExtensions.EnhancedStatusCodes, "ENHANCEDSTATUSCODES");
        Offer(Smtp.StartTls && !IsTls, SmtpExtensions.StartTls, "STARTTLS");
        Offer(AuthOffered, SmtpExtensions.Auth, "AUTH " + string.Join(' ', Smtp.AuthMechanisms));
        Offer(Smtp.RequireTlsExtension && IsTls, SmtpExtensions.RequireTls, "REQUIRETLS");
        _advertised = offered;
        ReplyLines(250, lines);
    }

    private void StartTls(string argument)
    {
        if (argument.Length > 0)
        {
            Violation(ProtocolViolationKind.SyntaxError, "STARTTLS takes no argument");
            Reply(501, "5.5.4", "Syntax: STARTTLS");
            return;
        }

        if (IsTls)
        {
            Violation(ProtocolViolationKind.CommandOutOfSequence, "STARTTLS on a connection that already uses TLS");
            Reply(503, "5.5.1", "TLS already active");
            return;
        }

        if (!Smtp.StartTls)
        {
            Violation(ProtocolViolationKind.UnadvertisedExtension, "STARTTLS, which is not offered");
            Reply(502, "5.5.1", "STARTTLS not available");
            return;
        }

        Reply(220, "2.0.0", "Ready to start TLS");
        UpgradeToTls("STARTTLS");

        // RFC 3207 §4.2: forget everything learnt before TLS; the client must EHLO again.
        ResetTransaction();
        _mailFailed = false;
        _helo = null;
        _extended = false;
        _advertised = SmtpExtensions.None;
        _authUser = null;
        _authMechanism = null;
    }

    /// <summary>An injected refusal of MAIL or RCPT counts as a real one, so the pipelined commands after it are not blamed.</summary>
    private void NoteRefusal(string verb, int code)
    {
        if (code < 400)
        {
            return;
        }

        if (verb == "MAIL" && _from is null)
        {
            _mailFailed = true;
        }
        else if (verb == "RCPT" && _from is not null)
        {
            _rcptAttempted = true;
        }
    }

    private SmtpSessionInfo SessionInfo() => new(Id, _helo, _extended, IsTls, ImplicitTls, _authUser, _authMechanism);

    /// <summary>Queues a reply, with the enhanced status code when ENHANCEDSTATUSCODES is on.</summary>
    private void Reply(int code, string? enhancedCode, string text)
    {
        var lines = text.Split('\n', StringSplitOptions.TrimEntries);
        if (enhancedCode is not null && Smtp.EnhancedStatusCodes)
        {
            for (var i = 0; i < lines.Length; i++)
            {
                lines[i] = $"{enhancedCode} {lines[i]}";
            }
        }

        ReplyLines(code, lines);
    }

    private void ReplyLines(int code, IReadOnlyList<string> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var separator = i == lines.Count - 1 ? ' ' : '-';
            Send(string.Create(CultureInfo.InvariantCulture, $"{code}{separator}{lines[i]}"));
        }
    }

    private void SendFault(FaultRule fault) => Reply(fault.Code, fault.EnhancedCode, fault.Text);

    private static string Truncate(string line) => line.Length <= 80 ? line : line[..80] + "...";
}
