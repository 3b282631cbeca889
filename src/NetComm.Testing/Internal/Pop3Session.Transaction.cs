using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetComm.Testing.Internal;

// TRANSACTION state (RFC 1939 §5) and the UPDATE state that QUIT enters (§6).
internal sealed partial class Pop3Session
{
    private MailboxMessage[] _messages = [];
    private bool[] _deleted = [];

    private Outcome Transaction(string verb, string argument)
    {
        switch (verb)
        {
            case "STAT":
                var live = Live().ToArray();
                Send(string.Create(CultureInfo.InvariantCulture, $"+OK {live.Length} {live.Sum(i => (long)_messages[i].Size)}"));
                return Outcome.Continue;
            case "LIST":
                Listing(argument, "scan listing", i => _messages[i].Size.ToString(CultureInfo.InvariantCulture));
                return Outcome.Continue;
            case "UIDL":
                if (!Pop3.Uidl)
                {
                    return NotOffered(verb);
                }

                Listing(argument, "unique-id listing", i => _messages[i].Uid);
                return Outcome.Continue;
            case "RETR":
                if (TryMessage(argument, out var index))
                {
                    Send(string.Create(CultureInfo.InvariantCulture, $"+OK {_messages[index].Size} octets"));
                    SendStuffed(_messages[index].Data.Span, bodyLines: null);
                }

                return Outcome.Continue;
            case "TOP":
                return Top(argument);
            case "DELE":
                if (TryMessage(argument, out index))
                {
                    _deleted[index] = true;
                    Send(string.Create(CultureInfo.InvariantCulture, $"+OK message {index + 1} deleted"));
                }

                return Outcome.Continue;
            case "RSET":
                Array.Clear(_deleted);
                Send(string.Create(CultureInfo.InvariantCulture, $"+OK maildrop has {_messages.Length} messages"));
                return Outcome.Continue;
            case "NOOP":
                Send("+OK");
                return Outcome.Continue;
            case "CAPA":
                Capabilities();
                return Outcome.Continue;
            case "QUIT":
                Update();
                return Outcome.Quit;
            case "USER" or "PASS" or "APOP" or "AUTH" or "STLS":
                Violation(ProtocolViolationKind.CommandOutOfSequence, $"{verb} after logging in");
                Err(null, "Already logged in");
                return Outcome.Continue;
            default:
                Violation(ProtocolViolationKind.UnknownCommand, $"unknown command \"{verb}\"");
                Err(null, "Unknown command");
                return Outcome.Continue;
        }
    }

    /// <summary>QUIT from TRANSACTION: remove the messages marked deleted, release the lock.</summary>
    private void Update()
    {
        var deleted = Live(deleted: true).Select(i => _messages[i]).ToArray();
        var left = _mailbox!.Commit(this, deleted);
        _mailbox = null;
        Log.MaildropUpdated(Logger, Id, _user!.Name, deleted.Length, left);
        Send(string.Create(CultureInfo.InvariantCulture, $"+OK NetComm.Testing POP3 server signing off ({left} messages left)"));
    }

    private void Listing(string argument, string title, Func<int, string> value)
    {
        if (argument.Length > 0)
        {
            if (TryMessage(argument, out var index))
            {
                Send($"+OK {index + 1} {value(index)}");
            }

            return;
        }

        Send($"+OK {title} follows");
        foreach (var i in Live())
        {
            Send($"{i + 1} {value(i)}");
        }

        Send(".");
    }

    private Outcome Top(string argument)
    {
        if (!Pop3.Top)
        {
            return NotOffered("TOP");
        }

        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var lines))
        {
            Violation(ProtocolViolationKind.SyntaxError, $"TOP {argument}");
            Err(null, "Syntax: TOP msg n");
            return Outcome.Continue;
        }

        if (TryMessage(parts[0], out var index))
        {
            Send("+OK top of message follows");
            SendStuffed(_messages[index].Data.Span, lines);
        }

        return Outcome.Continue;
    }

    /// <summary>The fault "disconnect during RETR": +OK, then half the content, then the connection closes.</summary>
    private bool DisconnectDuringRetrieve(string argument)
    {
        if (!TryMessage(argument, out var index))
        {
            return false;
        }

        var data = _messages[index].Data.Span;
        Send(string.Create(CultureInfo.InvariantCulture, $"+OK {data.Length} octets"));
        Channel.WriteRaw(data[..(data.Length / 2)]);
        Channel.Flush();
        return true;
    }

    /// <summary>Parses a message number; false with "-ERR" queued when it names no message or a deleted one.</summary>
    private bool TryMessage(string argument, out int index)
    {
        index = -1;
        if (!int.TryParse(argument.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            Violation(ProtocolViolationKind.SyntaxError, $"\"{argument}\" is not a message number");
            Err(null, "Invalid message number");
            return false;
        }

        if (number < 1 || number > _messages.Length)
        {
            Err(null, "No such message");
            return false;
        }

        if (_deleted[number - 1])
        {
            Err(null, string.Create(CultureInfo.InvariantCulture, $"Message {number} already deleted"));
            return false;
        }

        index = number - 1;
        return true;
    }

    private IEnumerable<int> Live(bool deleted = false)
    {
        for (var i = 0; i < _messages.Length; i++)
        {
            if (_deleted[i] == deleted)
            {
                yield return i;
            }
        }
    }

    private Outcome NotOffered(string verb)
    {
        Violation(ProtocolViolationKind.UnadvertisedExtension, $"{verb}, which is not offered");
        Err(null, $"{verb} not available");
        return Outcome.Continue;
    }

    /// <summary>
    /// Sends a multi-line body (RFC 1939 §3): each line starting with "." gets another, then the "." line. With
    /// <paramref name="bodyLines"/> (TOP), the headers, the blank line and that many body lines.
    /// </summary>
    private void SendStuffed(ReadOnlySpan<byte> data, int? bodyLines)
    {
        var inBody = false;
        var bodySent = 0;
        while (!data.IsEmpty)
        {
            var lf = data.IndexOf((byte)'\n');
            var line = lf < 0 ? data : data[..(lf + 1)];
            data = data[line.Length..];
            if (bodyLines is { } limit && inBody)
            {
                if (bodySent == limit)
                {
                    break;
                }

                bodySent++;
            }

            if (!line.IsEmpty && line[0] == '.')
            {
                Channel.WriteRaw("."u8);
            }

            Channel.WriteRaw(line);
            if (lf < 0)
            {
                Channel.WriteRaw("\r\n"u8);
            }

            if (!inBody && (line.SequenceEqual("\r\n"u8) || line.SequenceEqual("\n"u8)))
            {
                inBody = true;
            }
        }

        Channel.WriteRaw(".\r\n"u8);
    }
}
