using System.Text;
using NetComm.Tests.Support;

namespace NetComm.Tests.Pop3.Fixtures;

/// <summary>
/// A duplex stream that plays the server side of a <see cref="Pop3Script"/>: it checks each command line the client
/// writes against the script and then releases the server's next bytes, handing them out whole, per byte or in
/// random chunks. Anything off-script fails the read or write with an IOException and is kept in <see cref="Violation"/>.
/// </summary>
public sealed class ScriptedPop3Stream : Stream
{
    private readonly Queue<Pop3Script.Step> _steps;
    private readonly ChunkMode _mode;
    private readonly Random _random;
    private readonly List<byte> _available = [];
    private readonly List<byte> _partialLine = [];
    private int _readPosition;

    public ScriptedPop3Stream(Pop3Script script, ChunkMode mode, int seed = 7)
    {
        _steps = new Queue<Pop3Script.Step>(script.Steps);
        _mode = mode;
        _random = new Random(seed);
        ReleaseServerBytes();
    }

    /// <summary>Every command line the client sent, in order.</summary>
    public List<string> ClientLines { get; } = [];

    /// <summary>How many command lines each write carried (pipelining puts several in one).</summary>
    public List<int> LinesPerWrite { get; } = [];

    /// <summary>The first departure from the script, or null.</summary>
    public string? Violation { get; private set; }

    /// <summary>Whether every step of the script was played.</summary>
    public bool IsComplete => _steps.Count == 0 && _readPosition == _available.Count;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Fails the test unless the script was played to its end without departures.</summary>
    public void AssertComplete()
    {
        Assert.That(Violation, Is.Null, "the client departed from the script");
        Assert.That(_steps.Count, Is.EqualTo(0), () => $"the script has steps left; next: {Describe(_steps.Peek())}");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var left = _available.Count - _readPosition;
        if (left == 0)
        {
            if (_steps.Count == 0)
            {
                return 0;
            }

            throw Fail($"the client waits for a reply, but the script expects it to send {Describe(_steps.Peek())}");
        }

        var n = _mode switch
        {
            ChunkMode.Whole => left,
            ChunkMode.PerByte => 1,
            _ => Math.Min(left, _random.Next(1, 64)),
        };
        n = Math.Min(n, buffer.Length);
        for (var i = 0; i < n; i++)
        {
            buffer[i] = _available[_readPosition + i];
        }

        _readPosition += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var lines = 0;
        foreach (var b in buffer)
        {
            if (b != '\n')
            {
                _partialLine.Add(b);
                continue;
            }

            var line = Encoding.UTF8.GetString(_partialLine.ToArray()).TrimEnd('\r');
            _partialLine.Clear();
            lines++;
            Receive(line);
        }

        LinesPerWrite.Add(lines);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return default;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Receive(string line)
    {
        ClientLines.Add(line);
        if (_steps.Count == 0 || !_steps.Peek().IsClient)
        {
            throw Fail($"the client sent \"{line}\" where the script has {(_steps.Count == 0 ? "ended" : "server output")}");
        }

        var step = _steps.Dequeue();
        if (!step.Match!(line))
        {
            throw Fail($"the client sent \"{line}\" where the script expects {step.Description}");
        }

        ReleaseServerBytes();
    }

    private void ReleaseServerBytes()
    {
        while (_steps.Count > 0 && !_steps.Peek().IsClient)
        {
            _available.AddRange(_steps.Dequeue().Bytes!);
        }
    }

    private IOException Fail(string violation)
    {
        Violation ??= violation;
        return new IOException("Script violation: " + violation);
    }

    private static string Describe(Pop3Script.Step step) => step.IsClient ? $"client line {step.Description}" : "server output";
}
