using System;
using System.Collections.Generic;
using NetComm.Mail;

namespace NetComm.Fuzz.Targets;

/// <summary>
/// The fuzz targets by name, and the one rule that decides what a run found. Compiled into the fuzz program
/// (run by afl-fuzz through SharpFuzz) and into NetComm.Tests (FuzzCorpusTests replays every checked-in input).
/// </summary>
public static class FuzzTargets
{
    /// <summary>
    /// Allocation allowed for one input. Every reply has a line and byte budget (64 KiB for a capability list),
    /// and content is streamed, so a run that allocates this much has found a missing bound.
    /// </summary>
    public const long MaxAllocatedBytes = 64L * 1024 * 1024;

    /// <summary>Each target takes the bytes a server sends and drives the library's real parsing code with them.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new SortedDictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["smtp-reply"] = SmtpReplyTarget.Run,
        ["pop3-status"] = Pop3StatusTarget.Run,
        ["pop3-capa"] = Pop3CapaTarget.Run,
        ["pop3-listing"] = Pop3ListingTarget.Run,
        ["pop3-dot"] = DotUnstuffingTarget.Run,
        ["sasl"] = SaslTarget.Run,
    };

    /// <summary>
    /// Runs one input. A <see cref="MailException"/> is the library rejecting bad input the way its API promises,
    /// so it is swallowed; anything else escapes and is a crash for afl-fuzz (or a failed unit test), as is
    /// allocating more than <see cref="MaxAllocatedBytes"/>.
    /// </summary>
    public static void Run(string target, byte[] input)
    {
        if (!All.TryGetValue(target, out var run))
        {
            throw new ArgumentException($"Unknown fuzz target \"{target}\"; known: {string.Join(", ", All.Keys)}.", nameof(target));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            run(input);
        }
        catch (MailException)
        {
            // Rejected as documented: a typed error, the expected end of most fuzz inputs.
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > MaxAllocatedBytes)
        {
            throw new FuzzFailureException($"Target {target} allocated {allocated:N0} bytes for a {input.Length:N0}-byte input: an unbounded allocation.");
        }
    }
}

/// <summary>A finding that is not an exception of the library: a wrong result, or too much memory.</summary>
public sealed class FuzzFailureException(string message) : Exception(message);
