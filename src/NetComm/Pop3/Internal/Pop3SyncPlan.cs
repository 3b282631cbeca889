using System;
using System.Collections.Generic;
using System.Linq;

namespace NetComm.Pop3.Internal;

/// <summary>
/// What one sync does with a UIDL listing, decided before anything is retrieved: which messages are new, which were
/// handed over before, and (after the handler ran) which to delete. Pure: no I/O, so every rule is tested here.
/// </summary>
internal sealed class Pop3SyncPlan
{
    private Pop3SyncPlan(List<Pop3MessageInfo> unique, List<Pop3MessageInfo> fresh, int alreadySeen)
    {
        Unique = unique;
        New = fresh;
        AlreadySeen = alreadySeen;
        ByNumber = unique.ToDictionary(m => m.Number);
        UniqueUids = unique.Select(m => m.Uid!).ToArray();
    }

    /// <summary>The first message listed for each id, in message order.</summary>
    public IReadOnlyList<Pop3MessageInfo> Unique { get; }

    /// <summary>The messages whose id the store has not recorded, in message order.</summary>
    public IReadOnlyList<Pop3MessageInfo> New { get; }

    public int AlreadySeen { get; }

    public IReadOnlyDictionary<int, Pop3MessageInfo> ByNumber { get; }

    public IReadOnlyList<string> UniqueUids { get; }

    public static Pop3SyncPlan Create(IReadOnlyList<Pop3MessageInfo> listing, IReadOnlyDictionary<string, DateTimeOffset> seen)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<Pop3MessageInfo>();
        var fresh = new List<Pop3MessageInfo>();
        var alreadySeen = 0;
        foreach (var message in listing)
        {
            // RFC 1939 section 7 promises unique ids; a second message with the same one can be told from neither
            // the first nor a message already handed over, so it is left alone rather than guessed at.
            if (!ids.Add(message.Uid!))
            {
                continue;
            }

            unique.Add(message);
            if (seen.ContainsKey(message.Uid!))
            {
                alreadySeen++;
            }
            else
            {
                fresh.Add(message);
            }
        }

        return new Pop3SyncPlan(unique, fresh, alreadySeen);
    }

    /// <summary>
    /// The message numbers to DELE once every id handed over is recorded: every message the store has recorded
    /// (handed over in this sync or an earlier one whose QUIT never came), or only those it first recorded at least
    /// <see cref="Pop3SyncOptions.DeleteAfter"/> ago. A message whose handler failed is never among them: it was not recorded.
    /// </summary>
    public IReadOnlyList<int> ToDelete(Pop3SyncOptions options, IReadOnlyDictionary<string, DateTimeOffset> recorded, DateTimeOffset now)
    {
        var minimumAge = options.Deletion switch
        {
            Pop3SyncDeletion.AfterHandled => TimeSpan.MinValue,
            Pop3SyncDeletion.AfterAge => options.DeleteAfter,
            _ => TimeSpan.MaxValue,
        };
        return minimumAge == TimeSpan.MaxValue
            ? []
            : Unique.Where(m => recorded.TryGetValue(m.Uid!, out var firstSeen) && now - firstSeen >= minimumAge).Select(m => m.Number).ToArray();
    }
}
