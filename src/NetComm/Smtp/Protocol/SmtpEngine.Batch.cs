using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;

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
        var released = new bool[messages.Count];
        Exception? stoppedBy = null;

        // Each content is released as soon as its message is done: a measured message holds its serialised bytes.
        void Release(int index)
        {
            if (!released[index])
            {
                released[index] = true;
                messages[index].Content.Dispose();
            }
        }

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
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
                catch (Exception e)
                {
                    items[index] = new SmtpBatchItem(index, null, e);
                    Release(index);
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

                // The next message is planned before this one's I/O, so that its envelope can ride with this one's dot;
                // a cancellation seen here, between messages, stops the batch.
                var next = PrepareNext();
                if (cancellationToken.IsCancellationRequested)
                {
                    if (transaction.EnvelopeSent)
                    {
                        // This envelope went out with the previous dot and may already have a 354: a dot now would
                        // deliver an empty message, so closing the connection is the only clean way out.
                        Break(new OperationCanceledException(cancellationToken));
                    }

                    break;
                }

                using var scope = MailTelemetry.Start("smtp", "send", _options.Host, _options.EffectivePort);
                try
                {
                    var result = await TransactAsync<TIo>(transaction, () => Pipeline(next), cancellationToken).ConfigureAwait(false);
                    scope.Succeed();
                    items[index] = new SmtpBatchItem(index, result, null);
                }
                catch (SmtpCommandException refused) when (!refused.EndsSession)
                {
                    items[index] = new SmtpBatchItem(index, null, refused);
                }
                catch (Exception e)
                {
                    stoppedBy = Stop(e, transaction.DotSent, cancellationToken);
                    items[index] = new SmtpBatchItem(index, null, stoppedBy);
                    break;
                }
                finally
                {
                    Release(index);
                }

                current = next;
            }
        }
        finally
        {
            for (var i = 0; i < messages.Count; i++)
            {
                Release(i);
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

    /// <summary>The next message's envelope, to go out with this message's dot; marks it sent.</summary>
    private static List<string>? Pipeline((int Index, Transaction Transaction)? next)
    {
        if (next is not { Transaction: var transaction })
        {
            return null;
        }

        transaction.EnvelopeSent = true;
        return transaction.Commands;
    }

    /// <summary>
    /// A failure that ends the session mid-batch: closes the connection as the session gate would for a single send
    /// and returns what that send would have thrown.
    /// </summary>
    private Exception Stop(Exception failure, bool dotSent, CancellationToken cancellationToken)
    {
        Break(failure);
        if (dotSent && failure is OperationCanceledException)
        {
            // The end of the message was sent: the server may have it, whatever stopped the wait for its reply.
            return new SmtpDeliveryUnknownException($"The message was sent to {_options.Host}, but the batch was cancelled before the server's reply; the outcome is unknown.", failure);
        }

        // A blocking call is cancelled by closing its socket, so the read fails with an I/O error; the caller asked
        // for the cancellation, and that is what it is told (unless the outcome is unknown, which matters more).
        if (cancellationToken.IsCancellationRequested && failure is not SmtpDeliveryUnknownException)
        {
            return new OperationCanceledException("The batch was cancelled during a message.", failure, cancellationToken);
        }

        return MailConnection.Translate(failure, MailProtocol.Smtp, _options.Host);
    }
}
