using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetComm.Testing.Internal;

// DATA (RFC 5321 §4.1.1.4, with dot-unstuffing) and BDAT (RFC 3030), and what happens when the content is in.
internal sealed partial class SmtpSession
{
    private MessageBuffer? _bdat;

    private Outcome Data(string argument)
    {
        if (argument.Length > 0)
        {
            Violation(ProtocolViolationKind.SyntaxError, "DATA takes no argument");
            Reply(501, "5.5.4", "Syntax: DATA");
            return Outcome.Continue;
        }

        if (!CanTakeContent("DATA"))
        {
            return Outcome.Continue;
        }

        if (_bdat is not null)
        {
            Violation(ProtocolViolationKind.CommandOutOfSequence, "DATA after BDAT in the same transaction");
            Reply(503, "5.5.1", "DATA not allowed after BDAT");
            return Outcome.Continue;
        }

        if (Channel.DataWasWaiting)
        {
            // RFC 2920 §3.1: even a pipelining client waits for 354 before sending the content.
            Violation(ProtocolViolationKind.CommandOutOfSequence, "message content sent before the 354 reply to DATA");
        }

        Reply(354, null, "End data with <CR><LF>.<CR><LF>");
        Channel.Flush();
        if (Faults.Take(MailProtocol.Smtp, "DATA", "DATA", FaultAction.DisconnectDuringData) is not null)
        {
            Channel.WaitForData();
            LogFault(nameof(FaultAction.DisconnectDuringData), "DATA");
            return Outcome.Disconnect;
        }

        var buffer = new MessageBuffer(Options.MaxMessageSize);
        var reader = new DotUnstuffer(buffer);
        if (!Channel.ReadUntil(reader.Consume))
        {
            return Outcome.EndOfStream;
        }

        return Complete(buffer, MessageTransfer.Data, reader);
    }

    private Outcome Bdat(string argument)
    {
        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || (parts.Length == 2 && !string.Equals(parts[1], "LAST", StringComparison.OrdinalIgnoreCase)))
        {
            // Without a valid size the chunk cannot be skipped; the client's next bytes will read as commands.
            Violation(ProtocolViolationKind.SyntaxError, $"BDAT {argument}");
            Reply(501, "5.5.4", "Syntax: BDAT size [LAST]");
            return Outcome.Continue;
        }

        var last = parts.Length == 2;
        if ((_advertised & SmtpExtensions.Chunking) == 0)
        {
            Violation(ProtocolViolationKind.UnadvertisedExtension, "BDAT without CHUNKING advertised in this session");
            return SkipChunk(size, 502, "5.5.1", "BDAT not available", last);
        }

        if (_from is null || _recipients.Count == 0)
        {
            // RFC 3030 §2: a refused chunk is still read, so the session stays in step.
            if (!Channel.ReadExactly(size, static _ => { }))
            {
                return Outcome.EndOfStream;
            }

            CanTakeContent("BDAT");
            if (last)
            {
                ResetTransaction();
            }

            return Outcome.Continue;
        }

        if (_bdat is null && Faults.Take(MailProtocol.Smtp, "BDAT", "BDAT " + argument, FaultAction.DisconnectDuringData) is not null)
        {
            LogFault(nameof(FaultAction.DisconnectDuringData), "BDAT " + argument);
            return Outcome.Disconnect;
        }

        _bdat ??= new MessageBuffer(Options.MaxMessageSize);
        if (!Channel.ReadExactly(size, _bdat.Write))
        {
            return Outcome.EndOfStream;
        }

        if (!last)
        {
            Reply(250, "2.0.0", string.Create(CultureInfo.InvariantCulture, $"{size} octets received"));
            return Outcome.Continue;
        }

        return Complete(_bdat, MessageTransfer.Bdat, null);
    }

    private Outcome SkipChunk(long size, int code, string enhancedCode, string text, bool last)
    {
        if (!Channel.ReadExactly(size, static _ => { }))
        {
            return Outcome.EndOfStream;
        }

        Reply(code, enhancedCode, text);
        if (last)
        {
            ResetTransaction();
        }

        return Outcome.Continue;
    }

    /// <summary>Whether the transaction has a sender and recipients; otherwise queues the refusal (blaming the client only when it skipped a step).</summary>
    private bool CanTakeContent(string command)
    {
        if (_from is null)
        {
            if (!_mailFailed)
            {
                Violation(ProtocolViolationKind.CommandOutOfSequence, $"{command} without MAIL");
            }

            Reply(503, "5.5.1", "Need MAIL command first");
            return false;
        }

        if (_recipients.Count == 0)
        {
            if (_rcptAttempted)
            {
                // RFC 2920 §3.1: a pipelining client sends DATA even when every RCPT failed.
                Reply(554, "5.5.1", "No valid recipients");
            }
            else
            {
                Violation(ProtocolViolationKind.CommandOutOfSequence, $"{command} without RCPT");
                Reply(503, "5.5.1", "Need RCPT command first");
            }

            return false;
        }

        return true;
    }

    /// <summary>The content is in: check it, apply faults, store it and reply.</summary>
    private Outcome Complete(MessageBuffer buffer, MessageTransfer transfer, DotUnstuffer? reader)
    {
        try
        {
            if (buffer.TooLarge)
            {
                if ((_advertised & SmtpExtensions.Size) != 0)
                {
                    Violation(ProtocolViolationKind.MessageTooLarge, $"{buffer.Length} octets sent where SIZE {Options.MaxMessageSize} was advertised");
                }

                Log.MessageTooLarge(Logger, Id, buffer.Length, Options.MaxMessageSize);
                Reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
                return Outcome.Continue;
            }

            var rejectReason = CheckContent(buffer, reader);
            var fault = Faults.Take(MailProtocol.Smtp, transfer == MessageTransfer.Data ? "DATA" : "BDAT", string.Empty, FaultAction.DisconnectAfterData, FaultAction.RejectMessage);
            if (fault?.Action == FaultAction.DisconnectAfterData)
            {
                LogFault(nameof(FaultAction.DisconnectAfterData), transfer.ToString());
                if (fault.KeepMessage && rejectReason is null)
                {
                    Store(buffer, transfer);
                }

                return Outcome.Disconnect;
            }

            if (fault is not null)
            {
                LogFault(nameof(FaultAction.RejectMessage), transfer.ToString());
                Log.MessageRejected(Logger, Id, "injected fault");
                SendFault(fault);
                return Outcome.Continue;
            }

            if (rejectReason is not null)
            {
                Log.MessageRejected(Logger, Id, rejectReason);
                Reply(554, "5.6.0", "Message rejected (strict mode): " + rejectReason);
                return Outcome.Continue;
            }

            if (Store(buffer, transfer) is not { } stored)
            {
                Log.MessageRejected(Logger, Id, "the server's storage cap (MaxStoredBytes) is reached");
                Reply(452, "4.3.1", "Insufficient system storage");
                return Outcome.Continue;
            }

            _accepted++;
            Reply(250, "2.0.0", "Ok: queued as " + stored.QueueId);
            return Outcome.Continue;
        }
        finally
        {
            ResetTransaction();
        }
    }

    /// <summary>Records what is wrong with the content; returns why to reject it in strict mode, or null.</summary>
    private string? CheckContent(MessageBuffer buffer, DotUnstuffer? reader)
    {
        var reject = false;
        var reasons = new List<string>();
        void Check(bool condition, ProtocolViolationKind kind, string detail)
        {
            if (condition)
            {
                reasons.Add(detail);
                reject |= Violation(kind, detail);
            }
        }

        if (reader is not null)
        {
            Check(reader.BareLineFeeds > 0, ProtocolViolationKind.BareLineFeed, $"{reader.BareLineFeeds} bare LF in the message content");
            Check(reader.BareCarriageReturns > 0, ProtocolViolationKind.BareCarriageReturn, $"{reader.BareCarriageReturns} bare CR in the message content");
            Check(reader.HasLongLine, ProtocolViolationKind.LineTooLong, $"a content line of {reader.LongestLine} octets (RFC 5321 allows 998 plus CRLF)");
        }

        var body = _mailParameters?.GetValueOrDefault("BODY")?.ToUpperInvariant();
        var declared = body is "8BITMIME" or "BINARYMIME" || _mailParameters?.ContainsKey("SMTPUTF8") == true;
        Check(buffer.HasEightBit && !declared, ProtocolViolationKind.EightBitWithoutDeclaration, "8-bit octets in the content without BODY=8BITMIME or SMTPUTF8");
        return reject ? string.Join("; ", reasons) : null;
    }

    private ReceivedMessage? Store(MessageBuffer buffer, MessageTransfer transfer)
    {
        var envelope = new ReceivedEnvelope(_from!, _mailParameters!, _recipients.ToArray());
        return Server.Deliver(envelope, buffer.ToArray(), transfer, SessionInfo());
    }
}
