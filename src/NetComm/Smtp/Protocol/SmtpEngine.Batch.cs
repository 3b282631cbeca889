using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Mime;

namespace NetComm.Smtp.Protocol;

internal sealed partial class SmtpEngine
{
    /// <summary>
    /// Many messages on one connection, each a transaction with the outcome rules of a single send. With PIPELINING,
    /// the next message's envelope leaves in the same write as this message's final dot, so a message costs one
    /// round trip. Takes ownership of every content.
    /// </summary>
    public async ValueTask<SmtpBatchResult> SendBatchAsync<TIo>(IReadOnlyList<(OutgoingMessage Content, SmtpEnvelope Envelope)> messages, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var stateBefore = Gate.State;
        _ = Live;
        var items = new SmtpBatchItem?[messages.Count];
        var prepared = 0;
        Exception? stoppedBy = null;

        // Plans the next message that can go; a message the client refuses before sending (too large, an extension
        // missing) is that item's refusal. Null at the end, or when the caller cancelled.
        (int Index, Transaction Transaction)? PrepareNext()
        {
            while (prepared < messages.Count && !cancellationToken.IsCancellationRequested)
            {
                var index = prepared++;
                try
                {
                    return (index, Prepare(messages[index].Content, messages[index].Envelope, null, inBatch: true, cancellationToken));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    items[index] = new SmtpBatchItem(index, null, e);
                }
            }

            return null;
        }

        Gate.MoveTo(MailSessionState.InTransaction);
        try
        {
            var current = PrepareNext();
            while (current is { } item)
            {
                var (index, transaction) = item;
                (int Index, Transaction Transaction)? next = null;
                using var scope = MailTelemetry.Start("smtp", "send", _options.Host, _options.EffectivePort);
                try
                {
                    var result = await TransactAsync<TIo>(transaction, () =>
                    {
                        next = PrepareNext();
                        if (next is not { } n || cancellationToken.IsCancellationRequested)
                        {
                            return null;
                        }

                        n.Transaction.EnvelopeSent = true;
                        return n.Transaction.Commands;
                    }, cancellationToken).ConfigureAwait(false);
                    scope.Succeed();
                    items[index] = new SmtpBatchItem(index, result, null);
                }
                catch (SmtpCommandException refused) when (!refused.EndsSession)
                {
                    items[index] = new SmtpBatchItem(index, null, refused);
                }
                catch (Exception e)
                {
                    stoppedBy = Stop(e, cancellationToken);
                    items[index] = new SmtpBatchItem(index, null, stoppedBy);
                    break;
                }

                current = cancellationToken.IsCancellationRequested ? null : next ?? PrepareNext();
            }
        }
        finally
        {
            foreach (var (content, _) in messages)
            {
                content.Dispose();
            }

            if (Gate.State == MailSessionState.InTransaction)
            {
                Gate.MoveTo(stateBefore);
            }
        }

        stoppedBy ??= cancellationToken.IsCancellationRequested ? new OperationCanceledException(cancellationToken) : null;
        for (var i = 0; i < items.Length; i++)
        {
            items[i] ??= new SmtpBatchItem(i, null, new SmtpNotSentException(
                $"Message #{i} of the batch was not sent: the batch stopped before it ({stoppedBy?.Message}). Sending it again is safe.",
                stoppedBy));
        }

        return new SmtpBatchResult(items!);
    }

    /// <summary>
    /// A failure that ends the session mid-batch: closes the connection as the session gate would for a single send
    /// and returns what that send would have thrown.
    /// </summary>
    private Exception Stop(Exception failure, CancellationToken cancellationToken)
    {
        Break(failure);

        // A blocking call is cancelled by closing its socket, so the read fails with an I/O error; the caller asked
        // for the cancellation, and that is what it is told (unless the outcome is unknown, which matters more).
        if (cancellationToken.IsCancellationRequested && failure is not SmtpDeliveryUnknownException)
        {
            return new OperationCanceledException("The batch was cancelled during a message.", failure, cancellationToken);
        }

        return MailConnection.Translate(failure, MailProtocol.Smtp, _options.Host);
    }
}
