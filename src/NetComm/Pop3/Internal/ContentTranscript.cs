using System;
using System.Collections.Generic;
using NetComm.Mail.Internal;

namespace NetComm.Pop3.Internal;

/// <summary>
/// Puts message content into the transcript: line by line when the caller opted in, else one summary line
/// with the size, so that mail bodies do not end up in logs by default.
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
        if (!transcript.IncludesContent)
        {
            transcript.ServerContent(bytes, what);
            return;
        }

        if (_pending.Count > 0)
        {
            Flush();
        }

        transcript.Server("."u8);
    }

    private void Flush()
    {
        var line = _pending.Count > 0 && _pending[^1] == '\r' ? _pending.Count - 1 : _pending.Count;
        transcript.Server(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending)[..line]);
        _pending.Clear();
    }
}
