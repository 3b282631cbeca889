using System.Text;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Transport;

[TestFixture]
public class LineReaderTests
{
    private static TcpConnection Over(string text, ChunkMode mode, int bufferSize = 256)
        => new(new ChunkedStream(Encoding.UTF8.GetBytes(text), mode), bufferSize);

    [Test]
    public async Task Reads_crlf_and_lf_lines_in_every_chunking([Values] ChunkMode mode, [Values] bool async)
    {
        using var connection = Over("250-first\r\n250 second\nthird\r\n\r\nlast-no-eol", mode);
        var lines = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            lines.Add(async ? await connection.ReadLineAsync() : connection.ReadLine());
        }

        Assert.That(lines, Is.EqualTo(new[] { "250-first", "250 second", "third", "", "last-no-eol", null }));
    }

    [Test]
    public void A_line_over_the_limit_throws_without_buffering_it_whole([Values] ChunkMode mode)
    {
        using var connection = Over(new string('x', 10_000) + "\r\n", mode);
        var error = Assert.Throws<LineTooLongException>(() => connection.ReadLine(maxLength: 100));
        Assert.That(error!.MaxLength, Is.EqualTo(100));
    }

    [Test]
    public async Task Any_max_length_reads_a_line_that_arrives_in_pieces([Values] ChunkMode mode, [Values] bool async, [Values(int.MaxValue, int.MaxValue - 1)] int maxLength)
    {
        // maxLength + 1 used to wrap around to a negative limit: every split line was "too long".
        var line = new string('z', 1000);
        using var connection = Over(line + "\r\nnext\r\n", mode);
        Assert.That(async ? await connection.ReadLineAsync(maxLength) : connection.ReadLine(maxLength), Is.EqualTo(line));
        Assert.That(async ? await connection.ReadLineAsync(maxLength) : connection.ReadLine(maxLength), Is.EqualTo("next"));
    }

    [Test]
    public void A_line_exactly_at_the_limit_is_accepted([Values] ChunkMode mode)
    {
        var line = new string('y', 1000);
        using var connection = Over(line + "\r\nnext\r\n", mode, bufferSize: 256);
        Assert.That(connection.ReadLine(maxLength: 1000), Is.EqualTo(line));
        Assert.That(connection.ReadLine(maxLength: 1000), Is.EqualTo("next"));
    }

    [Test]
    public void Lines_longer_than_the_buffer_grow_it_up_to_the_limit([Values] ChunkMode mode)
    {
        var line = string.Concat(Enumerable.Repeat("0123456789", 300));
        using var connection = Over(line + "\n" + line + "\n", mode, bufferSize: 256);
        Assert.That(connection.ReadLine(maxLength: 4000), Is.EqualTo(line));
        Assert.That(connection.ReadLine(maxLength: 4000), Is.EqualTo(line));
    }

    [Test]
    public void Utf8_split_across_chunks_decodes_correctly([Values] ChunkMode mode)
    {
        using var connection = Over("你好, Zoë\r\n", mode);
        Assert.That(connection.ReadLine(), Is.EqualTo("你好, Zoë"));
    }

    [Test]
    public void Reads_after_a_line_return_the_buffered_rest_first([Values] ChunkMode mode)
    {
        using var connection = Over("HEAD\r\nBODY-BYTES", mode);
        Assert.That(connection.ReadLine(), Is.EqualTo("HEAD"));
        var body = new byte[10];
        connection.ReadExactly(body);
        Assert.That(Encoding.ASCII.GetString(body), Is.EqualTo("BODY-BYTES"));
        Assert.Throws<EndOfStreamException>(() => connection.ReadExactly(new byte[1]));
    }

    [Test]
    public void Random_stream_of_lines_round_trips([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        var expected = Enumerable.Range(0, 500).Select(_ => new string('a', random.Next(0, 300))).ToList();
        var text = string.Concat(expected.Select((l, i) => l + (i % 2 == 0 ? "\r\n" : "\n")));
        using var connection = new TcpConnection(new ChunkedStream(Encoding.ASCII.GetBytes(text), ChunkMode.Random, seed), 128);
        foreach (var line in expected)
        {
            Assert.That(connection.ReadLine(400), Is.EqualTo(line));
        }

        Assert.That(connection.ReadLine(), Is.Null);
    }

    [Test]
    public void Tls_upgrade_is_refused_while_plaintext_bytes_are_buffered()
    {
        using var connection = Over("220 go ahead\r\n<injected>\r\n", ChunkMode.Whole);
        Assert.That(connection.ReadLine(), Is.EqualTo("220 go ahead"));
        var error = Assert.Throws<TlsUpgradeException>(() => connection.UpgradeToTls(new TlsClientOptions(), "localhost"));
        Assert.That(error!.PendingBytes, Is.EqualTo("<injected>\r\n".Length));
        Assert.That(connection.IsTls, Is.False);
    }

    [Test]
    public void A_partial_line_near_the_end_of_the_buffer_moves_to_the_front_before_the_next_read()
    {
        // 250 bytes in the first read: a whole line of 202 and 48 bytes of the next, leaving 6 bytes of room.
        var inner = new RecordingStream([new string('a', 200) + "\r\n" + new string('b', 48), new string('b', 52) + "\r\n"]);
        using var connection = new TcpConnection(inner, 256);

        Assert.That(connection.ReadLine(), Is.EqualTo(new string('a', 200)));
        Assert.That(connection.ReadLine(), Is.EqualTo(new string('b', 100)));

        // Over TLS a read into 6 bytes takes a record's tail and leaves the rest for one more call.
        Assert.That(inner.Requested, Is.EqualTo(new[] { 256, 256 - 48 }));
    }

    /// <summary>Serves one chunk per read and records how much room each read offered.</summary>
    private sealed class RecordingStream(string[] chunks) : MemoryStream
    {
        private int _next;

        public List<int> Requested { get; } = [];

        public override int Read(Span<byte> buffer)
        {
            Requested.Add(buffer.Length);
            if (_next == chunks.Length)
            {
                return 0;
            }

            var bytes = Encoding.ASCII.GetBytes(chunks[_next++]);
            bytes.CopyTo(buffer);
            return bytes.Length;
        }
    }
}
