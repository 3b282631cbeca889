using System;
using System.Collections.Generic;
using NetComm.Mail.Internal;

namespace NetComm.Pop3.Internal;

/// <summary>
/// Puts message content into the transcript: line by line into the writer when the caller opted in, and one
/// summary line with the size for the logger (always) and the writer (when it does not get the lines).
/// </summary>
internal sealed class ContentTranscript(Transcript transcript, string what)
{
    // Bounds what a line without an end can hold before it is written out in pieces.
    private const int MaxPending = 16 * 1024;

    private readonly List<byte> _pending = [];

    public void Add(ReadOnlySpan<byte> content)
    {
        if (!transcript.IncludesContent)
        {
            return;
        }

        while (!content.IsEmpty)
        {
            var lf = content.IndexOf((byte)'\n');
            if (lf < 0)
            {
                _pending.AddRange(content);
                if (_pending.Count >= MaxPending)
                {
                    Flush();
                }

                return;
            }

            _pending.AddRange(content[..lf]);
            Flush();
            content = content[(lf + 1)..];
        }
    }

    public void Complete(long bytes)
    {
        if (transcript.IncludesContent)
        {
            if (_pending.Count > 0)
            {
                Flush();
            }

            transcript.ServerContentLine("."u8);
        }

        transcript.ServerContent(bytes, what);
    }

    private void Flush()
    {
        var line = _pending.Count > 0 && _pending[^1] == '\r' ? _pending.Count - 1 : _pending.Count;
        transcript.ServerContentLine(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending)[..line]);
        _pending.Clear();
    }
}
