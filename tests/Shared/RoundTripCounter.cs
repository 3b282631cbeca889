using System.Text;

namespace NetComm.Shared;

/// <summary>
/// A transcript writer (<c>Pop3ClientOptions.Transcript</c>) that counts round trips: every time the client, having
/// sent one command or a pipelined run of them (<c>C:</c> lines), starts reading the server's answer (an <c>S:</c>
/// line), it has waited once for the network. A command sent while replies are still being read is counted as a
/// wait too, so the count can only be too high. Linked into the unit tests, the interop tests and the benchmarks.
/// </summary>
internal sealed class RoundTripCounter : TextWriter
{
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private readonly StringBuilder _partial = new();

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Every line written so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToArray();
            }
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                _lines.Add(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
            }
            else
            {
                _partial.Append(value);
            }
        }
    }

    /// <summary>Forgets the lines so far (before the next session).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _lines.Clear();
            _partial.Clear();
        }
    }

    /// <summary>Round trips from the first command that starts with <paramref name="firstCommand"/> (such as "STAT") to the end.</summary>
    public int CountFrom(string firstCommand)
    {
        var lines = Lines.ToList();
        var start = lines.FindIndex(l => l.StartsWith("C: " + firstCommand, StringComparison.Ordinal));
        if (start < 0)
        {
            throw new InvalidOperationException($"No command \"{firstCommand}\" in the transcript.");
        }

        var count = 0;
        var sent = false;
        foreach (var line in lines.Skip(start))
        {
            if (line.StartsWith("C: ", StringComparison.Ordinal))
            {
                sent = true;
            }
            else if (line.StartsWith("S: ", StringComparison.Ordinal) && sent)
            {
                count++;
                sent = false;
            }
        }

        return count;
    }

    /// <summary>How many commands starting with <paramref name="verb"/> the client sent.</summary>
    public int Sent(string verb) => Lines.Count(l => l.StartsWith("C: " + verb, StringComparison.Ordinal));
}
