using System;
using System.Collections.Generic;
using System.Linq;

namespace NetComm.Pop3;

/// <summary>
/// The outcome of one command of a batch (RETR or DELE for one message of several).
/// Public constructor: tests can build results for mocked clients.
/// </summary>
/// <typeparam name="T">What a success yields: the message for a retrieval, the message number for a deletion.</typeparam>
/// <param name="Number">The message number the command was about.</param>
/// <param name="Value">What the command yielded; default when it was refused.</param>
/// <param name="Error">The server's refusal, or null when the command succeeded.</param>
public sealed record Pop3BatchItem<T>(int Number, T? Value, Pop3CommandException? Error)
{
    /// <summary>Whether the server accepted the command.</summary>
    public bool Succeeded => Error is null;
}

/// <summary>
/// The per-message outcomes of a batch, in the order asked. A refusal of some items does not fail the batch:
/// every reply was read, the session is still usable, and the other items' results are here (as SMTP reports
/// each recipient). Call <see cref="EnsureAllSucceeded"/> to turn refusals into an exception.
/// </summary>
/// <typeparam name="T">What a success yields.</typeparam>
public sealed class Pop3BatchResult<T>
{
    /// <summary>Creates a result from its items (public so that tests can fake a client's answer).</summary>
    public Pop3BatchResult(IReadOnlyList<Pop3BatchItem<T>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = items;
    }

    /// <summary>Every item, in the order the numbers were given.</summary>
    public IReadOnlyList<Pop3BatchItem<T>> Items { get; }

    /// <summary>The values of the items that succeeded, in order.</summary>
    public IReadOnlyList<T> Values => Items.Where(i => i.Succeeded).Select(i => i.Value!).ToArray();

    /// <summary>The refusals, each with its <see cref="Pop3CommandException.MessageNumber"/>.</summary>
    public IReadOnlyList<Pop3CommandException> Failures => Items.Where(i => !i.Succeeded).Select(i => i.Error!).ToArray();

    /// <summary>Whether every command succeeded.</summary>
    public bool AllSucceeded => Items.All(i => i.Succeeded);

    /// <summary>Throws <see cref="Pop3BatchException"/> when any item was refused; returns this result otherwise.</summary>
    public Pop3BatchResult<T> EnsureAllSucceeded()
    {
        var failures = Failures;
        if (failures.Count == 0)
        {
            return this;
        }

        var first = failures[0];
        throw new Pop3BatchException(
            $"The POP3 server refused {first.Command?.Split(' ')[0]} for {failures.Count} of {Items.Count} message(s) " +
            $"({string.Join(", ", failures.Select(f => f.MessageNumber))}): {first.ServerReply}")
        {
            Failures = failures,
            Succeeded = Items.Where(i => i.Succeeded).Select(i => i.Number).ToArray(),
            ServerReply = first.ServerReply,
            Command = first.Command,
            ResponseCode = first.ResponseCode,
            IsTransient = failures.All(f => f.IsTransient),
        };
    }
}
