using System;
using System.Collections.Generic;
using System.Linq;

namespace NetComm.Smtp;

/// <summary>
/// The outcome of one message of a batch. Public constructor: tests can build results for mocked clients.
/// </summary>
/// <param name="Index">The message's position in the batch, from 0.</param>
/// <param name="Result">What the server said, when it accepted the message; null otherwise.</param>
/// <param name="Error">
/// Null when the message was accepted; otherwise what a single send would have thrown: <see cref="SmtpCommandException"/>
/// (refused), <see cref="SmtpDeliveryUnknownException"/> (the connection died after the message's end was sent),
/// a <see cref="Mail.MailProtocolException"/>, <see cref="TimeoutException"/> or <see cref="OperationCanceledException"/>
/// (the session ended before the message's end was sent), or <see cref="SmtpNotSentException"/> (the batch stopped
/// before this message).
/// </param>
public sealed record SmtpBatchItem(int Index, SmtpSendResult? Result, Exception? Error)
{
    /// <summary>Whether the server accepted the message.</summary>
    public bool Succeeded => Error is null;

    /// <summary>Whether the message may have been delivered although no reply says so: retrying may duplicate it.</summary>
    public bool DeliveryUnknown => Error is SmtpDeliveryUnknownException;
}

/// <summary>
/// The per-message outcomes of a batch, in the order given. A refused message does not fail the batch: the session
/// went on with the next one. Call <see cref="EnsureAllSucceeded"/> to turn failures into an exception.
/// </summary>
public sealed class SmtpBatchResult
{
    /// <summary>Creates a result from its items (public so that tests can fake a client's answer).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
    public SmtpBatchResult(IReadOnlyList<SmtpBatchItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = items;
    }

    /// <summary>Every item, in the order the messages were given.</summary>
    public IReadOnlyList<SmtpBatchItem> Items { get; }

    /// <summary>The results of the messages the server accepted, in order.</summary>
    public IReadOnlyList<SmtpSendResult> Values => Items.Where(i => i.Succeeded).Select(i => i.Result!).ToArray();

    /// <summary>The items that failed, in order.</summary>
    public IReadOnlyList<SmtpBatchItem> Failures => Items.Where(i => !i.Succeeded).ToArray();

    /// <summary>Whether the server accepted every message.</summary>
    public bool AllSucceeded => Items.All(i => i.Succeeded);

    /// <summary>Throws <see cref="SmtpBatchException"/> when any message failed; returns this result otherwise.</summary>
    /// <exception cref="SmtpBatchException">A message was refused, not sent, or has an unknown outcome.</exception>
    public SmtpBatchResult EnsureAllSucceeded()
    {
        var failures = Failures;
        if (failures.Count == 0)
        {
            return this;
        }

        var first = failures[0];
        throw new SmtpBatchException(
            $"{failures.Count} of {Items.Count} message(s) were not delivered ({string.Join(", ", failures.Select(f => f.Index))}); " +
            $"the first, #{first.Index}: {first.Error!.Message}",
            first.Error)
        {
            Failures = failures,
            Succeeded = Items.Where(i => i.Succeeded).Select(i => i.Index).ToArray(),
            ServerReply = (first.Error as Mail.MailException)?.ServerReply,
        };
    }
}
