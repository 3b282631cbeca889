using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;

namespace NetComm.Pop3.Internal;

internal sealed partial class Pop3Session
{
    private MimeParser? _parser;

    /// <summary>RETR for each message, parsed by MimeKit straight off the connection; pipelined when possible.</summary>
    public async ValueTask<IReadOnlyList<MimeMessage>> RetrieveAsync<TIo>(IReadOnlyList<int> numbers, bool asBatch, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (progress is not null && numbers.Count == 1 && !_sizes.ContainsKey(numbers[0]))
        {
            // The progress total is the size LIST reports.
            await GetSizeAsync<TIo>(numbers[0], cancellationToken).ConfigureAwait(false);
        }

        var messages = new Dictionary<int, MimeMessage>();
        await ForEachMessageAsync<TIo>(
            numbers,
            "RETR",
            n => $"RETR {n}",
            asBatch,
            async (n, reader) => messages[n] = await ParseAsync<TIo>(reader, cancellationToken).ConfigureAwait(false),
            progress,
            messages,
            cancellationToken).ConfigureAwait(false);
        return numbers.Select(n => messages[n]).ToArray();
    }

    /// <summary>TOP: the headers and the first <paramref name="bodyLines"/> lines of the body, parsed.</summary>
    public async ValueTask<MimeMessage> TopAsync<TIo>(int number, int bodyLines, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bodyLines);
        MimeMessage? message = null;
        await ForEachMessageAsync<TIo>(
            [CheckNumber(number)],
            "TOP",
            n => $"TOP {n} {bodyLines}",
            asBatch: false,
            async (_, reader) => message = await ParseAsync<TIo>(reader, cancellationToken).ConfigureAwait(false),
            null,
            null,
            cancellationToken).ConfigureAwait(false);
        return message!;
    }

    /// <summary>RETR into the caller's stream, dot-unstuffed on the fly, in memory bounded by the read buffer.</summary>
    public async ValueTask<long> CopyMessageToAsync<TIo>(int number, Stream destination, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentNullException.ThrowIfNull(destination);
        CheckNumber(number);
        if (progress is not null && !_sizes.ContainsKey(number))
        {
            await GetSizeAsync<TIo>(number, cancellationToken).ConfigureAwait(false);
        }

        long copied = 0;
        await ForEachMessageAsync<TIo>(
            [number],
            "RETR",
            n => $"RETR {n}",
            asBatch: false,
            async (_, reader) =>
            {
                await reader.CopyToAsync<TIo>(destination, cancellationToken).ConfigureAwait(false);
                await TIo.FlushAsync(destination, cancellationToken).ConfigureAwait(false);
                copied = reader.ContentBytes;
            },
            progress,
            null,
            cancellationToken).ConfigureAwait(false);
        return copied;
    }

    /// <summary>
    /// RETR for each message, handing each one to <paramref name="onMessage"/> as a stream while it arrives
    /// (pipelined when possible). What the callback leaves unread is skipped. If the callback throws, no more
    /// commands are sent, the replies already on their way are skipped, and the callback's exception is rethrown.
    /// </summary>
    public ValueTask RetrieveEachAsync<TIo>(IReadOnlyList<int> numbers, Func<int, Stream, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken)
        where TIo : IIo
        => ForEachMessageAsync<TIo>(
            numbers,
            "RETR",
            n => $"RETR {n}",
            asBatch: true,
            async (n, reader) =>
            {
                using var stream = new Pop3MessageStream(reader, cancellationToken);
                await onMessage(n, stream, cancellationToken).ConfigureAwait(false);
            },
            null,
            null,
            cancellationToken);

    /// <summary>
    /// The shared loop of RETR and TOP: each +OK body goes to <paramref name="onBody"/> and is then read to its
    /// end; refusals are collected and thrown together at the end. A failure of the body handler that leaves
    /// the connection intact (a callback's exception, a message MimeKit cannot parse) stops further commands,
    /// lets the batch drain, and is rethrown as <see cref="SessionIntactException"/>.
    /// </summary>
    private async ValueTask ForEachMessageAsync<TIo>(
        IReadOnlyList<int> numbers,
        string verb,
        Func<int, string> commandFor,
        bool asBatch,
        Func<int, DotUnstuffingReader, ValueTask> onBody,
        IProgress<TransferProgress>? progress,
        IReadOnlyDictionary<int, MimeMessage>? retrieved,
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
        var failures = new List<Pop3CommandException>();
        var succeeded = new List<int>();
        ExceptionDispatchInfo? handlerError = null;
        await PipelineAsync<TIo>(
            numbers.Count,
            i => commandFor(numbers[i]),
            async (i, reply) =>
            {
                var number = numbers[i];
                var command = commandFor(number);
                if (!reply.IsOk)
                {
                    failures.Add(Refused(reply, command, number));
                    return;
                }

                var what = isRetrieval ? $"message {number}" : $"{command} reply";
                var reader = new DotUnstuffingReader(Tcp, what, _connection.Transcript, progress, _sizes.TryGetValue(number, out var size) ? size : null);
                if (handlerError is null)
                {
                    try
                    {
                        await onBody(number, reader).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!BreaksConnection(e))
                    {
                        handlerError = ExceptionDispatchInfo.Capture(e);
                    }
                }

                await reader.SkipToEndAsync<TIo>(cancellationToken).ConfigureAwait(false);
                if (handlerError is null)
                {
                    succeeded.Add(number);
                    if (isRetrieval)
                    {
                        MailTelemetry.MessagesRetrieved.Add(1);
                        Pop3Log.MessageRetrieved(_logger, number, Host, reader.ContentBytes);
                    }
                }
            },
            () => handlerError is not null,
            cancellationToken).ConfigureAwait(false);

        if (handlerError is not null)
        {
            throw new SessionIntactException(handlerError);
        }

        ThrowFailures(failures, succeeded, verb, retrieved, asBatch);
        scope.Succeed();
    }

    /// <summary>
    /// Parses one message with MimeKit from the stream of its reply, as it arrives. One parser serves the whole
    /// session: a new one per message would allocate its buffers again for every message of a batch.
    /// </summary>
    private async ValueTask<MimeMessage> ParseAsync<TIo>(DotUnstuffingReader reader, CancellationToken cancellationToken)
        where TIo : IIo
    {
        using var stream = new Pop3MessageStream(reader, cancellationToken);
        if (_parser is null)
        {
            _parser = new MimeParser(stream, MimeFormat.Entity, persistent: false);
        }
        else
        {
            _parser.SetStream(stream, MimeFormat.Entity, persistent: false);
        }

        return TIo.IsAsync
            ? await _parser.ParseMessageAsync(cancellationToken).ConfigureAwait(false)
            : _parser.ParseMessage(cancellationToken);
    }

    /// <summary>Failures after which the connection's state is unknown: it must be closed, not drained.</summary>
    internal static bool BreaksConnection(Exception e)
        => e is MailProtocolException or TimeoutException or OperationCanceledException or IOException;
}
