using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Transport;

namespace NetComm.Smtp.Protocol;

internal sealed partial class SmtpEngine
{
    /// <summary>One mail transaction: checks, envelope (pipelined when offered), content, final reply.</summary>
    public async ValueTask<SmtpSendResult> SendAsync<TIo>(OutgoingMessage content, SmtpEnvelope envelope, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var stateBefore = Gate.State;
        _ = Live;
        using var scope = MailTelemetry.Start("smtp", "send", _options.Host, _options.EffectivePort);
        using var owned = content;

        // Progress starts at once; measuring a large message takes a while, and a cancellation during it costs nothing.
        progress?.Report(new TransferProgress(0, null));
        TransferPlan plan;
        Gate.BeginPreparation();
        try
        {
            plan = Plan(content, envelope, cancellationToken);
        }
        finally
        {
            Gate.EndPreparation();
        }

        cancellationToken.ThrowIfCancellationRequested();

        var commands = new List<string>(envelope.Recipients.Count + 2) { plan.MailFrom };
        commands.AddRange(plan.RcptTo);

        // When no refusal could make us hold the message back, DATA joins the pipelined envelope (RFC 2920).
        // BDAT content is not pipelined behind the envelope: a server that writes its envelope replies and
        // its final reply separately with Nagle on (Postfix) then stalls every message on a delayed ACK.
        var dataInBatch = plan.Pipelining && !plan.Chunking
            && (_options.PartialDelivery == PartialDeliveryPolicy.SendToAccepted || envelope.Recipients.Count == 1);
        if (dataInBatch)
        {
            commands.Add("DATA");
        }

        Gate.MoveTo(MailSessionState.InTransaction);
        try
        {
            return await TransactAsync<TIo>(content, envelope, progress, plan, commands, dataInBatch, scope, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Gate.State == MailSessionState.InTransaction)
            {
                Gate.MoveTo(stateBefore);
            }
        }
    }

    private async ValueTask<SmtpSendResult> TransactAsync<TIo>(OutgoingMessage content, SmtpEnvelope envelope, IProgress<TransferProgress>? progress, TransferPlan plan, List<string> commands, bool dataInBatch, MailTelemetry.OperationScope scope, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var replies = await ExchangeAsync<TIo>(commands, plan.Pipelining, cancellationToken).ConfigureAwait(false);
        var recipients = RecipientResults(envelope, replies);
        var dataReply = dataInBatch && replies.Count == commands.Count ? replies[^1] : null;
        await CheckEnvelopeAsync<TIo>(envelope, plan, replies[0], recipients, dataReply, cancellationToken).ConfigureAwait(false);

        if (!plan.Chunking)
        {
            dataReply ??= await CommandAsync<TIo>("DATA", null, cancellationToken).ConfigureAwait(false);
            if (dataReply.Code != 354)
            {
                await ResetQuietlyAsync<TIo>(cancellationToken).ConfigureAwait(false);
                throw new SmtpCommandException($"The SMTP server refused DATA: {dataReply}", SmtpErrorCode.MessageRejected, dataReply) { Recipients = recipients };
            }
        }

        var (finalReply, bytes) = await TransferAsync<TIo>(content, plan, progress, cancellationToken).ConfigureAwait(false);
        return Completed(recipients, finalReply, plan, bytes, scope);
    }

    private List<SmtpRecipientResult> RecipientResults(SmtpEnvelope envelope, List<SmtpReply> replies)
    {
        // Only recipients a RCPT was sent for have a result: without pipelining, a refused sender stops the rest.
        var recipients = envelope.Recipients.Take(replies.Count - 1).Select((r, i) => new SmtpRecipientResult(r.Address, replies[i + 1])).ToList();
        foreach (var refused in recipients.Where(r => !r.Accepted))
        {
            SmtpLog.RecipientRejected(_logger, refused.Address, refused.Reply.Code, refused.Reply.Text);
            MailTelemetry.RecipientsRejected.Add(1);
        }

        return recipients;
    }

    /// <summary>Throws, after resetting the transaction, when the sender or the recipients were refused as the policy cannot accept.</summary>
    private async ValueTask CheckEnvelopeAsync<TIo>(SmtpEnvelope envelope, TransferPlan plan, SmtpReply mailReply, List<SmtpRecipientResult> recipients, SmtpReply? dataReply, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (!mailReply.IsSuccess)
        {
            await AbortAsync<TIo>(dataReply, cancellationToken).ConfigureAwait(false);
            throw new SmtpCommandException($"The SMTP server refused the sender <{envelope.Sender}>: {mailReply}", SmtpErrorCode.SenderRejected, mailReply)
            {
                Mailbox = envelope.Sender,
                Command = plan.MailFrom,
                Recipients = recipients,
            };
        }

        var accepted = recipients.Count(r => r.Accepted);
        if (accepted == 0 || (accepted < recipients.Count && _options.PartialDelivery == PartialDeliveryPolicy.AbortIfAnyRejected))
        {
            await AbortAsync<TIo>(dataReply, cancellationToken).ConfigureAwait(false);
            var first = recipients.First(r => !r.Accepted);
            throw new SmtpCommandException(
                $"The SMTP server refused {recipients.Count - accepted} of {recipients.Count} recipient(s), first <{first.Address}>: {first.Reply}; nothing was sent.",
                SmtpErrorCode.RecipientRejected,
                first.Reply)
            {
                Mailbox = first.Address,
                Recipients = recipients,
            };
        }
    }

    private SmtpSendResult Completed(List<SmtpRecipientResult> recipients, SmtpReply finalReply, TransferPlan plan, long bytes, MailTelemetry.OperationScope scope)
    {
        if (!finalReply.IsSuccess)
        {
            throw new SmtpCommandException($"The SMTP server refused the message: {finalReply}", SmtpErrorCode.MessageRejected, finalReply) { Recipients = recipients };
        }

        var result = new SmtpSendResult(recipients, finalReply, Live.IsTls, plan.Pipelining, plan.Chunking, bytes);
        MailTelemetry.MessagesSent.Add(1);
        var accepted = recipients.Count(r => r.Accepted);
        SmtpLog.MessageSent(_logger, result.QueueId, accepted, bytes);
        scope.Succeed();
        return result;
    }

    /// <summary>Decides, before a byte is sent, how the message goes, and refuses what the server cannot take.</summary>
    private TransferPlan Plan(OutgoingMessage content, SmtpEnvelope envelope, CancellationToken cancellationToken)
    {
        var caps = Capabilities;
        var smtpUtf8 = SmtpCommands.NeedsSmtpUtf8(envelope);
        if (smtpUtf8 && !caps.Supports(SmtpExtensions.SmtpUtf8))
        {
            throw Refuse(SmtpErrorCode.ExtensionRequired, "The envelope has non-ASCII mailbox names, which need SMTPUTF8, and the server does not offer it.");
        }

        var inspection = content.Inspect(smtpUtf8, caps.Supports(SmtpExtensions.EightBitMime), cancellationToken);
        var chunking = caps.Supports(SmtpExtensions.Chunking) && _options.UseChunking;
        string? body = null;
        if (inspection is { NeedsBinary: true })
        {
            if (!chunking || !caps.Supports(SmtpExtensions.BinaryMime))
            {
                throw Refuse(
                    SmtpErrorCode.ExtensionRequired,
                    inspection.HasNul
                        ? "The message contains NUL bytes, which only BINARYMIME with CHUNKING can carry, and the server does not offer both. Encode the part with base64."
                        : $"The message has a line of {inspection.LongestLine} octets; SMTP allows 998 without BINARYMIME. Encode the part with quoted-printable or base64 (MimeKit: message.Prepare(EncodingConstraint.SevenBit)).");
            }

            body = "BINARYMIME";
        }
        else if (inspection is { HasEightBit: true })
        {
            if (!caps.Supports(SmtpExtensions.EightBitMime))
            {
                throw Refuse(SmtpErrorCode.ExtensionRequired, "The message has 8-bit content and the server does not offer 8BITMIME. Encode it with quoted-printable or base64 (MimeKit: message.Prepare(EncodingConstraint.SevenBit)).");
            }

            body = "8BITMIME";
        }

        if (inspection is not null && caps.MaxMessageSize is { } max && inspection.Size > max)
        {
            throw Refuse(SmtpErrorCode.MessageTooLarge, $"The message is {inspection.Size:N0} bytes and the server accepts at most {max:N0}; nothing was sent.");
        }

        if (envelope.RequireTls && (!Live.IsTls || !caps.Supports(SmtpExtensions.RequireTls)))
        {
            throw Refuse(SmtpErrorCode.ExtensionRequired, "REQUIRETLS was asked for, but the session is not over TLS or the server does not offer REQUIRETLS.");
        }

        var dsn = SmtpCommands.UsesDsn(envelope);
        if (dsn && !caps.Supports(SmtpExtensions.Dsn))
        {
            throw Refuse(SmtpErrorCode.ExtensionRequired, "Delivery status notifications were asked for (NOTIFY/ORCPT/RET/ENVID), and the server does not offer DSN.");
        }

        var size = caps.Supports(SmtpExtensions.Size) ? inspection?.Size : null;
        return new TransferPlan(
            SmtpCommands.MailFrom(envelope, size, body, smtpUtf8, dsn),
            envelope.Recipients.Select(r => SmtpCommands.RcptTo(r, smtpUtf8, dsn)).ToList(),
            caps.Supports(SmtpExtensions.Pipelining) && _options.UsePipelining,
            chunking,
            body == "BINARYMIME",
            smtpUtf8,
            inspection?.Size);
    }

    /// <summary>Sends commands and reads one reply each: in one write when pipelining (RFC 2920), else in lock-step.</summary>
    private async ValueTask<List<SmtpReply>> ExchangeAsync<TIo>(List<string> commands, bool pipelining, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var replies = new List<SmtpReply>(commands.Count);
        if (pipelining)
        {
            await Live.WriteCommandsAsync<TIo>(commands, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < commands.Count; i++)
            {
                replies.Add(await ReadReplyAsync<TIo>(commands[i], cancellationToken).ConfigureAwait(false));
            }

            return replies;
        }

        foreach (var command in commands)
        {
            var reply = await CommandAsync<TIo>(command, null, cancellationToken).ConfigureAwait(false);
            replies.Add(reply);
            if (replies.Count == 1 && !reply.IsSuccess)
            {
                // Without a sender there is no transaction: the recipients would only collect 503s, so none is sent.
                break;
            }
        }

        return replies;
    }

    /// <summary>
    /// Streams the content through the filter, then reads the final reply (one per BDAT chunk).
    /// A connection lost from here on leaves the outcome unknown.
    /// </summary>
    private async ValueTask<(SmtpReply Final, long Bytes)> TransferAsync<TIo>(OutgoingMessage content, TransferPlan plan, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
        where TIo : IIo
    {
        using var writer = new SmtpContentWriter(Live, plan.Chunking, normalizeLineEndings: !plan.Binary, _options.ChunkSize, progress, plan.Size);
        await content.WriteToAsync<TIo>(writer, plan.SmtpUtf8, cancellationToken).ConfigureAwait(false);
        await writer.FinishAsync<TIo>(cancellationToken).ConfigureAwait(false);

        // From here the server may have the whole message: a lost or garbled reply is "unknown", not "not sent".
        try
        {
            SmtpReply? failure = null;
            SmtpReply last;
            var pending = plan.Chunking ? writer.PendingChunkReplies : 1;
            do
            {
                last = await ReadReplyAsync<TIo>(plan.Chunking ? "BDAT" : "the end of the message", cancellationToken, finalReply: true).ConfigureAwait(false);
                if (!last.IsSuccess)
                {
                    failure ??= last;
                }
            }
            while (--pending > 0);

            return (failure ?? last, writer.BytesWritten);
        }
        catch (Exception e) when (e is MailProtocolException or TimeoutException or IOException or TransportException)
        {
            // Say what happened (silence, a garbled reply, a lost connection), not a guess; the outcome is what is unknown.
            SmtpLog.DeliveryUnknown(_logger, _options.Host, e.Message);
            throw new SmtpDeliveryUnknownException(
                $"The message was sent to {_options.Host}, but its outcome is unknown: {e.Message} The server may or may not have accepted it; the connection was closed.",
                e)
            {
                ServerReply = (e as MailException)?.ServerReply,
            };
        }
    }

    /// <summary>Ends a failed transaction: finishes an accepted DATA with an empty body (no recipient can get it), then RSET.</summary>
    private async ValueTask AbortAsync<TIo>(SmtpReply? dataReply, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (dataReply?.Code == 354)
        {
            await Live.WriteAsync<TIo>(".\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await ReadReplyAsync<TIo>(".", cancellationToken).ConfigureAwait(false);
        }

        await ResetQuietlyAsync<TIo>(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask ResetQuietlyAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
        => await CommandAsync<TIo>("RSET", null, cancellationToken).ConfigureAwait(false);

    private static SmtpCommandException Refuse(SmtpErrorCode code, string message) => new(message, code);

    private sealed record TransferPlan(string MailFrom, IReadOnlyList<string> RcptTo, bool Pipelining, bool Chunking, bool Binary, bool SmtpUtf8, long? Size);
}
