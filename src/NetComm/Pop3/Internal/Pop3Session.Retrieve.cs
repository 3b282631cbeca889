using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;

namespace NetComm.Pop3.Internal;

internal sealed partial class Pop3Session
{
    /// <summary>
    /// RETR for each message, each handed to <paramref name="read"/> as a stream while it arrives (the facade parses
    /// it with the MIME reader; the engine sees bytes only); pipelined when possible. Refusals are per item.
    /// </summary>
    public async ValueTask<Pop3BatchResult<T>> RetrieveAsync<TIo, T>(IReadOnlyList<int> numbers, IProgress<TransferProgress>? progress, Func<Stream, CancellationToken, ValueTask<T>> read, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (progress is not null && numbers.Count == 1 && !_sizes.ContainsKey(numbers[0]))
        {
            // The progress total is the size LIST reports.
            await GetSizeAsync<TIo>(numbers[0], cancellationToken).ConfigureAwait(false);
        }

        return await ForEachMessageAsync<TIo, T>(
            numbers,
            "RETR",
            n => $"RETR {n}",
            async (_, reader) =>
            {
                using var stream = new Pop3MessageStream(reader, cancellationToken);
                return await read(stream, cancellationToken).ConfigureAwait(false);
            },
            progress,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>TOP: the headers and the first <paramref name="bodyLines"/> lines of the body, handed to <paramref name="read"/>.</summary>
    public async ValueTask<Pop3BatchResult<T>> TopAsync<TIo, T>(int number, int bodyLines, Func<Stream, CancellationToken, ValueTask<T>> read, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bodyLines);
        return await ForEachMessageAsync<TIo, T>(
            [CheckNumber(number)],
            "TOP",
            n => $"TOP {n} {bodyLines}",
            async (_, reader) =>
            {
                using var stream = new Pop3MessageStream(reader, cancellationToken);
                return await read(stream, cancellationToken).ConfigureAwait(false);
            },
            null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RETR into the caller's stream, dot-unstuffed on the fly, in memory bounded by the read buffer.</summary>
    public async ValueTask<Pop3BatchResult<long>> CopyMessageToAsync<TIo>(int number, Stream destination, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentNullException.ThrowIfNull(destination);
        CheckNumber(number);
        if (progress is not null && !_sizes.ContainsKey(number))
        {
            await GetSizeAsync<TIo>(number, cancellationToken).ConfigureAwait(false);
        }

        return await ForEachMessageAsync<TIo, long>(
            [number],
            "RETR",
            n => $"RETR {n}",
            async (_, reader) =>
            {
                await reader.CopyToAsync<TIo>(destination, cancellationToken).ConfigureAwait(false);
                await TIo.FlushAsync(destination, cancellationToken).ConfigureAwait(false);
                return reader.ContentBytes;
            },
            progress,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// RETR for each message, handing each one to <paramref name="onMessage"/> as a stream while it arrives
    /// (pipelined when possible). What the callback leaves unread is skipped. If the callback throws, no more
    /// commands are sent, the replies already on their way are skipped, and the callback's exception is rethrown.
    /// Each item's value is the message's size in bytes as received.
    /// </summary>
    public ValueTask<Pop3BatchResult<long>> RetrieveEachAsync<TIo>(IReadOnlyList<int> numbers, Func<int, Stream, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken)
        where TIo : IIo
        => ForEachMessageAsync<TIo, long>(
            numbers,
            "RETR",
            n => $"RETR {n}",
            async (n, reader) =>
            {
                using (var stream = new Pop3MessageStream(reader, cancellationToken))
                {
                    await onMessage(n, stream, cancellationToken).ConfigureAwait(false);
                }

                await reader.SkipToEndAsync<TIo>(cancellationToken).ConfigureAwait(false);
                return reader.ContentBytes;
            },
            null,
            cancellationToken);

    /// <summary>
    /// The shared loop of RETR and TOP: each +OK body goes to <paramref name="onBody"/> and is then read to its
    /// end, under one deadline of <see cref="Mail.MailClientOptions.DataTimeout"/>; refusals become failed items.
    /// A failure of the body handler that leaves the connection intact (a callback's exception, a message the
    /// MIME reader cannot parse) stops further commands, lets the batch drain, and is rethrown as
    /// <see cref="SessionIntactException"/>.
    /// </summary>
    private async ValueTask<Pop3BatchResult<T>> ForEachMessageAsync<TIo, T>(
        IReadOnlyList<int> numbers,
        string verb,
        Func<int, string> commandFor,
        Func<int, DotUnstuffingReader, ValueTask<T>> onBody,
        IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
        where TIo : IIo
    {
        foreach (var number in numbers)
        {
            CheckNumber(number);
        }

        var isRetrieval = verb == "RETR";
        using var scope = MailTelemetry.Start("pop3", isRetrieval ? "retrieve" : "top", Host, _options.EffectivePort);
        scope.Activity?.SetTag("pop3.message_count", numbers.Count);
        var items = new Pop3BatchItem<T>[numbers.Count];
        ExceptionDispatchInfo? handlerError = null;
        var previous = _gate.State;
        _gate.MoveTo(MailSessionState.InTransaction);
        await PipelineAsync<TIo>(
            numbers.Count,
            i => commandFor(numbers[i]),
            async (i, reply) =>
            {
                var number = numbers[i];
                var command = commandFor(number);
                if (!reply.IsOk)
                {
                    items[i] = new Pop3BatchItem<T>(number, default, Refused(reply, command, number));
                    return;
                }

                // The content is one reply of its own, bounded by time only: the data timeout for the whole message.
                using var contentReply = _connection.BeginReply(command, _options.DataTimeout, ReplyBudget.Content);
                var what = isRetrieval ? $"message {number}" : $"{command} reply";
                var reader = new DotUnstuffingReader(_connection, what, progress, _sizes.TryGetValue(number, out var size) ? size : null);
                T value = default!;
                if (handlerError is null)
                {
                    try
                    {
                        value = await onBody(number, reader).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!reader.Faulted && !cancellationToken.IsCancellationRequested)
                    {
                        handlerError = ExceptionDispatchInfo.Capture(e);
                    }
                }

                await reader.SkipToEndAsync<TIo>(cancellationToken).ConfigureAwait(false);
                if (handlerError is null)
                {
                    items[i] = new Pop3BatchItem<T>(number, value, null);
                    if (isRetrieval)
                    {
                        MailTelemetry.MessagesRetrieved.Add(1);
                        Pop3Log.MessageRetrieved(_logger, number, Host, reader.ContentBytes);
                    }
                }
            },
            () => handlerError is not null,
            cancellationToken).ConfigureAwait(false);
        _gate.MoveTo(previous);

        if (handlerError is not null)
        {
            throw new SessionIntactException(handlerError);
        }

        scope.Succeed();
        return new Pop3BatchResult<T>(items);
    }
}
