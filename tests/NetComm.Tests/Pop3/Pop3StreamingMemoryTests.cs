using System.Diagnostics;
using System.Text;
using NetComm.TestSupport;
using NetComm.Tests.Pop3.Fixtures;

namespace NetComm.Tests.Pop3;

/// <summary>A 100 MB message streams through RETR in bounded memory, with no cap on body line length.</summary>
[TestFixture]
public class Pop3StreamingMemoryTests
{
    private const long MessageSize = 100L * 1024 * 1024;

    [Test]
    public async Task A_100_MB_message_streams_into_a_stream_without_being_held_in_memory([Values] IoMode mode)
    {
        var server = new LargeRetrServer(MessageSize, lineLength: 1000);
        using var client = await Io.LoggedIn(mode, server);
        var sink = new CountingStream();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();

        var copied = await Io.Call(mode, () => client.CopyMessageTo(1, sink), () => client.CopyMessageToAsync(1, sink));

        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.That(copied, Is.EqualTo(server.ContentLength));
        Assert.That(sink.Count, Is.EqualTo(server.ContentLength));
        Assert.That(sink.LineStartDots, Is.EqualTo(server.DotLines), "every stuffed dot removed once");
        Assert.That(allocated, Is.LessThan(4 * 1024 * 1024), $"allocated {allocated:N0} bytes for a {MessageSize:N0}-byte message");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task A_single_line_far_longer_than_any_line_cap_streams_too([Values] IoMode mode)
    {
        var server = new LargeRetrServer(16L * 1024 * 1024, lineLength: 8 * 1024 * 1024);
        using var client = await Io.LoggedIn(mode, server);
        var sink = new CountingStream();

        var copied = await Io.Call(mode, () => client.CopyMessageTo(1, sink), () => client.CopyMessageToAsync(1, sink));

        Assert.That(copied, Is.EqualTo(server.ContentLength));
    }

    /// <summary>Counts what is written and how many lines start with a dot, keeping nothing.</summary>
    private sealed class CountingStream : Stream
    {
        private bool _atLineStart = true;

        public long Count { get; private set; }

        public long LineStartDots { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            foreach (var b in buffer)
            {
                if (_atLineStart && b == '.')
                {
                    LineStartDots++;
                }

                _atLineStart = b == '\n';
            }

            Count += buffer.Length;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return default;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>
    /// Serves a login and then a RETR reply of about <c>size</c> bytes generated on the fly: lines of
    /// <c>lineLength</c> bytes, every tenth one starting with a (stuffed) dot. Commands are accepted unread.
    /// </summary>
    private sealed class LargeRetrServer : ServerEndStream
    {
        private readonly byte[] _prefix;
        private readonly byte[] _line;
        private readonly byte[] _dotLine;
        private readonly long _lines;
        private long _position;

        public LargeRetrServer(long size, int lineLength)
        {
            _prefix = Encoding.ASCII.GetBytes(
                "+OK ready\r\n+OK\r\nUSER\r\n.\r\n+OK\r\n+OK\r\n+OK\r\nUSER\r\n.\r\n+OK message follows\r\n");
            _line = Encoding.ASCII.GetBytes(new string('x', lineLength - 2) + "\r\n");
            _dotLine = Encoding.ASCII.GetBytes(".." + new string('y', lineLength - 3) + "\r\n");
            _lines = size / lineLength;
            DotLines = (_lines + 9) / 10;
            ContentLength = (_lines * lineLength) - DotLines;
        }

        public long ContentLength { get; }

        public long DotLines { get; }

        private long BodyWireLength => (_lines * _line.Length) + 3;

        public override int Read(Span<byte> buffer)
        {
            var total = 0;
            while (!buffer.IsEmpty)
            {
                var n = Next(buffer);
                if (n == 0)
                {
                    break;
                }

                total += n;
                buffer = buffer[n..];
            }

            return total;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
        }

        private int Next(Span<byte> buffer)
        {
            if (_position < _prefix.Length)
            {
                return Copy(_prefix.AsSpan((int)_position), buffer);
            }

            var body = _position - _prefix.Length;
            if (body >= BodyWireLength)
            {
                return 0;
            }

            var line = body / _line.Length;
            if (line == _lines)
            {
                return Copy(".\r\n"u8[(int)(body - (line * _line.Length))..], buffer);
            }

            var source = line % 10 == 0 ? _dotLine : _line;
            return Copy(source.AsSpan((int)(body % _line.Length)), buffer);
        }

        private int Copy(ReadOnlySpan<byte> source, Span<byte> buffer)
        {
            var n = Math.Min(source.Length, buffer.Length);
            source[..n].CopyTo(buffer);
            _position += n;
            return n;
        }
    }
}
