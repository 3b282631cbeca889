using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;

namespace NetComm.Pop3.Internal;

internal sealed partial class Pop3Session
{
    public async ValueTask<Pop3Stat> StatAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
        => ListingParser.ParseStat(await ExpectOkAsync<TIo>("STAT", null, null, cancellationToken).ConfigureAwait(false));

    /// <summary>LIST, sent together with STAT to check the two agree.</summary>
    public async ValueTask<IReadOnlyList<Pop3ListEntry>> ListAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        var listing = await ListingsAsync<TIo>(withSizes: true, withUids: false, cancellationToken).ConfigureAwait(false);
        return listing.Sizes!;
    }

    /// <summary>UIDL, sent together with STAT to check the two agree.</summary>
    public async ValueTask<IReadOnlyList<Pop3UidEntry>> UidlAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        var listing = await ListingsAsync<TIo>(withSizes: false, withUids: true, cancellationToken).ConfigureAwait(false);
        return listing.Uids!;
    }

    /// <summary>
    /// STAT, LIST and UIDL in one round trip when pipelining, merged; a refused UIDL leaves the ids null, or is thrown
    /// as its <see cref="Pop3CommandException"/> when <paramref name="uidsRequired"/>.
    /// </summary>
    public async ValueTask<IReadOnlyList<Pop3MessageInfo>> ListMessagesAsync<TIo>(CancellationToken cancellationToken, bool uidsRequired = false)
        where TIo : IIo
    {
        var listing = await ListingsAsync<TIo>(withSizes: true, withUids: true, cancellationToken, uidsOptional: !uidsRequired).ConfigureAwait(false);
        var uids = listing.Uids?.ToDictionary(u => u.Number, u => u.Uid);
        return listing.Sizes!.Select(s => new Pop3MessageInfo(s.Number, s.Size, uids?.GetValueOrDefault(s.Number))).ToArray();
    }

    public async ValueTask<long> GetSizeAsync<TIo>(int number, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var command = $"LIST {CheckNumber(number)}";
        var text = await ExpectOkAsync<TIo>(command, null, number, cancellationToken).ConfigureAwait(false);
        var entry = ListingParser.ParseListEntry(System.Text.Encoding.UTF8.GetBytes(text), command);
        CheckSameNumber(entry.Number, number, command);
        _sizes[number] = entry.Size;
        return entry.Size;
    }

    public async ValueTask<string> GetUidAsync<TIo>(int number, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var command = $"UIDL {CheckNumber(number)}";
        var text = await ExpectOkAsync<TIo>(command, null, number, cancellationToken).ConfigureAwait(false);
        var entry = ListingParser.ParseUidEntry(System.Text.Encoding.UTF8.GetBytes(text), command);
        CheckSameNumber(entry.Number, number, command);
        return entry.Uid;
    }

    public async ValueTask NoopAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
        => await ExpectOkAsync<TIo>("NOOP", null, null, cancellationToken).ConfigureAwait(false);

    /// <summary>RSET: the server unmarks every message marked by DELE in this session.</summary>
    public async ValueTask ResetAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        await ExpectOkAsync<TIo>("RSET", null, null, cancellationToken).ConfigureAwait(false);
        if (_pendingDeletions.Count > 0)
        {
            Diagnostics.Pop3Log.DeletionsAbandoned(_logger, Host, _pendingDeletions.Count, "RSET");
            _pendingDeletions.Clear();
        }
    }

    /// <summary>
    /// DELE for each message, pipelined when possible. A refusal does not stop the others; each item says how it
    /// went. Marked messages are only deleted by a later QUIT.
    /// </summary>
    public async ValueTask<Pop3BatchResult<int>> DeleteAsync<TIo>(IReadOnlyList<int> numbers, CancellationToken cancellationToken)
        where TIo : IIo
    {
        foreach (var number in numbers)
        {
            CheckNumber(number);
        }

        var items = new Pop3BatchItem<int>[numbers.Count];
        await PipelineAsync<TIo>(
            numbers.Count,
            i => $"DELE {numbers[i]}",
            (i, reply) =>
            {
                if (reply.IsOk)
                {
                    _pendingDeletions.Add(numbers[i]);
                    items[i] = new Pop3BatchItem<int>(numbers[i], numbers[i], null);
                }
                else
                {
                    items[i] = new Pop3BatchItem<int>(numbers[i], default, Refused(reply, $"DELE {numbers[i]}", numbers[i]));
                }

                return default;
            },
            null,
            cancellationToken).ConfigureAwait(false);
        return new Pop3BatchResult<int>(items);
    }

    /// <summary>QUIT: enters the UPDATE state, where the server deletes the marked messages, then closes.</summary>
    public async ValueTask QuitAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        var pending = _pendingDeletions.Count;
        try
        {
            // The reply to QUIT is where the server reports whether the deletions happened (RFC 1939 section 6).
            await ExpectOkAsync<TIo>("QUIT", null, null, cancellationToken).ConfigureAwait(false);
            if (IsAuthenticated)
            {
                Diagnostics.Pop3Log.DeletionsCommitted(_logger, Host, pending);
            }

            _pendingDeletions.Clear();
        }
        finally
        {
            Close();
        }
    }

    private async ValueTask<Listings> ListingsAsync<TIo>(bool withSizes, bool withUids, CancellationToken cancellationToken, bool uidsOptional = false)
        where TIo : IIo
    {
        var commands = new List<string> { "STAT" };
        if (withSizes)
        {
            commands.Add("LIST");
        }

        if (withUids)
        {
            commands.Add("UIDL");
        }

        Pop3Stat? stat = null;
        List<Pop3ListEntry>? sizes = null;
        List<Pop3UidEntry>? uids = null;
        Pop3CommandException? refused = null;
        await PipelineAsync<TIo>(
            commands.Count,
            i => commands[i],
            async (i, reply) =>
            {
                var command = commands[i];
                if (!reply.IsOk)
                {
                    var error = Refused(reply, command);
                    if (!(command == "UIDL" && uidsOptional))
                    {
                        refused ??= error;
                    }

                    return;
                }

                switch (command)
                {
                    case "STAT":
                        stat = ListingParser.ParseStat(reply.Text);
                        break;
                    case "LIST":
                        var list = new List<Pop3ListEntry>();
                        await ReadListingAsync<TIo>(ReplyBudget.Listing(StatCount(stat, command)), line => list.Add(ListingParser.ParseListEntry(line, command)), cancellationToken).ConfigureAwait(false);
                        sizes = list;
                        break;
                    default:
                        var ids = new List<Pop3UidEntry>();
                        await ReadListingAsync<TIo>(ReplyBudget.Listing(StatCount(stat, command)), line => ids.Add(ListingParser.ParseUidEntry(line, command)), cancellationToken).ConfigureAwait(false);
                        uids = ids;
                        break;
                }
            },
            null,
            cancellationToken).ConfigureAwait(false);

        if (refused is not null)
        {
            throw refused;
        }

        if (sizes is not null)
        {
            ListingParser.CheckAgainstStat(stat!.Value, sizes.ConvertAll(e => e.Number), "LIST");
            foreach (var entry in sizes)
            {
                _sizes[entry.Number] = entry.Size;
            }
        }

        if (uids is not null)
        {
            ListingParser.CheckAgainstStat(stat!.Value, uids.ConvertAll(e => e.Number), "UIDL");
        }

        return new Listings(sizes, uids);
    }

    /// <summary>
    /// The message count a listing is budgeted and checked by. A server that refused STAT but accepts LIST or UIDL
    /// contradicts itself, and its listing cannot be checked: a protocol error (found by fuzzing), not a crash.
    /// </summary>
    private static int StatCount(Pop3Stat? stat, string command)
        => stat?.Count ?? throw new MailProtocolException($"The POP3 server refused STAT but accepted {command}: its listing cannot be checked against the message count.");

    private static int CheckNumber(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1, nameof(number));
        return number;
    }

    private static void CheckSameNumber(int answered, int asked, string command)
    {
        if (answered != asked)
        {
            throw new NetComm.Mail.MailProtocolException($"The POP3 server answered {command} about message {answered}.");
        }
    }

    private readonly record struct Listings(List<Pop3ListEntry>? Sizes, List<Pop3UidEntry>? Uids);
}
