using System.Text;
using NetComm.TestSupport;

namespace NetComm.Tests.Support;

/// <summary>
/// A fake server on the other end of a stream: it plays a script of server replies and checks what the
/// client writes, line by line, in order. Replies are served whole, per byte or in random chunks, which
/// exercises every buffer boundary of the client's reader. A client that reads while the script expects
/// it to write fails the test at once instead of hanging.
/// </summary>
public sealed class ScriptedServerStream : ServerEndStream
{
    private readonly Queue<Step> _steps = new();
    private readonly ChunkMode _mode;
    private readonly Random _random = new(7);
    private readonly StringBuilder _pendingClient = new();
    private byte[] _serving = [];
    private int _servingPos;

    public ScriptedServerStream(ChunkMode mode) => _mode = mode;

    public List<string> ClientLines { get; } = [];

    public MemoryStream ClientBytes { get; } = new();

    /// <summary>Bytes the client wrote in each write call (to check pipelining: one write per batch).</summary>
    public List<int> WriteSizes { get; } = [];

    public ScriptedServerStream Server(string reply)
    {
        _steps.Enqueue(new Step(false, reply.Replace("\n", "\r\n", StringComparison.Ordinal).Replace("\r\r\n", "\r\n", StringComparison.Ordinal) + "\r\n", null, false));
        return this;
    }

    /// <summary>Raw server bytes, no CRLF added.</summary>
    public ScriptedServerStream ServerRaw(string bytes)
    {
        _steps.Enqueue(new Step(false, bytes, null, false));
        return this;
    }

    /// <summary>Expects a client line starting with <paramref name="prefix"/>.</summary>
    public ScriptedServerStream Client(string prefix)
    {
        _steps.Enqueue(new Step(true, prefix, null, false));
        return this;
    }

    /// <summary>Expects message content up to and including the lone "." line; hands it to <paramref name="check"/>.</summary>
    public ScriptedServerStream ClientData(Action<string>? check = null)
    {
        _steps.Enqueue(new Step(true, "", check, true));
        return this;
    }

    /// <summary>The connection ends here (reads return 0).</summary>
    public ScriptedServerStream Hangup()
    {
        _steps.Enqueue(new Step(false, "", null, false) { IsClose = true });
        return this;
    }

    public bool Finished => _steps.Count == 0 && _servingPos >= _serving.Length;

    public override int Read(Span<byte> buffer)
    {
        if (_servingPos >= _serving.Length)
        {
            if (_steps.Count == 0)
            {
                return 0;
            }

            var next = _steps.Peek();
            if (next.IsClose)
            {
                _steps.Dequeue();
                return 0;
            }

            if (next.FromClient)
            {
                throw new AssertionException($"The client is reading, but the script expects it to send: '{next.Text}'. Client so far: {string.Join(" | ", ClientLines)}");
            }

            _steps.Dequeue();
            _serving = Encoding.UTF8.GetBytes(next.Text);
            _servingPos = 0;
        }

        var available = _serving.Length - _servingPos;
        var n = _mode switch
        {
            ChunkMode.Whole => available,
            ChunkMode.PerByte => 1,
            _ => _random.Next(1, 16),
        };
        n = Math.Min(Math.Min(n, available), buffer.Length);
        _serving.AsSpan(_servingPos, n).CopyTo(buffer);
        _servingPos += n;
        return n;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        WriteSizes.Add(buffer.Length);
        ClientBytes.Write(buffer);
        _pendingClient.Append(Encoding.UTF8.GetString(buffer));
        Consume();
    }

    private void Consume()
    {
        while (_steps.Count > 0 && _steps.Peek().FromClient)
        {
            var step = _steps.Peek();
            var text = _pendingClient.ToString();
            if (step.IsData)
            {
                var end = text.IndexOf("\r\n.\r\n", StringComparison.Ordinal);
                var atStart = text.StartsWith(".\r\n", StringComparison.Ordinal);
                if (end < 0 && !atStart)
                {
                    return;
                }

                var length = atStart ? 3 : end + 5;
                step.Check?.Invoke(text[..length]);
                _pendingClient.Remove(0, length);
                ClientLines.Add("<data>");
                _steps.Dequeue();
                continue;
            }

            var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                return;
            }

            var line = text[..lineEnd];
            _pendingClient.Remove(0, lineEnd + 2);
            ClientLines.Add(line);
            if (!line.StartsWith(step.Text, StringComparison.Ordinal))
            {
                throw new AssertionException($"Expected the client to send '{step.Text}...', got '{line}'.");
            }

            _steps.Dequeue();
        }
    }

    private sealed record Step(bool FromClient, string Text, Action<string>? Check, bool IsData)
    {
        public bool IsClose { get; init; }
    }
}
