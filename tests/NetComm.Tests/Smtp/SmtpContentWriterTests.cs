using System.Text;
using NetComm.Internal;
using NetComm.Mail.Internal;
using NetComm.Smtp.Protocol;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Smtp;

[TestFixture]
public class SmtpContentWriterTests
{
    private static (SmtpContentWriter Writer, ChunkedStream Wire) Create(bool chunked, int chunkSize)
    {
        var wire = new ChunkedStream([], ChunkMode.Whole);
        var connection = MailConnection.Over(new TcpConnection(wire), SmtpScript.PlainOptions(), MailProtocol.Smtp);
        return (new SmtpContentWriter(connection, chunked, normalizeLineEndings: true, chunkSize, null, null), wire);
    }

    /// <summary>The reference: normalise every line ending to CRLF and stuff leading dots.</summary>
    private static string Expected(string input)
    {
        var normalized = input.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace("\n", "\r\n", StringComparison.Ordinal);
        if (!normalized.EndsWith("\r\n", StringComparison.Ordinal) && normalized.Length > 0)
        {
            normalized += "\r\n";
        }

        var stuffed = string.Join("\r\n", normalized.Split("\r\n").Select(l => l.StartsWith('.') ? "." + l : l));
        return stuffed + ".\r\n";
    }

    [Test]
    public void Random_content_in_random_writes_is_normalised_and_stuffed_across_every_boundary([Range(1, 40)] int seed)
    {
        var random = new Random(seed);
        var alphabet = new[] { "a", "b", ".", "\r", "\n", "\r\n", ".\r\n", "\n.\n", "xyz" };
        var input = string.Concat(Enumerable.Range(0, random.Next(0, 400)).Select(_ => alphabet[random.Next(alphabet.Length)]));
        var (writer, wire) = Create(chunked: false, chunkSize: random.Next(1, 3) == 1 ? 1024 : 4096);
        var bytes = Encoding.ASCII.GetBytes(input);
        var position = 0;
        while (position < bytes.Length)
        {
            var n = Math.Min(random.Next(1, 20), bytes.Length - position);
            if (random.Next(2) == 0)
            {
                writer.Write(bytes, position, n);
            }
            else
            {
                writer.WriteAsync(bytes.AsMemory(position, n)).AsTask().GetAwaiter().GetResult();
            }

            position += n;
        }

        writer.FinishAsync<SyncIo>(default).Complete();
        var output = Encoding.ASCII.GetString(wire.Written.ToArray());
        Assert.That(output, Is.EqualTo(Expected(input)), $"input: {input.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}");
    }

    [Test]
    public void Large_content_flushes_in_chunks_with_bdat_headers()
    {
        var (writer, wire) = Create(chunked: true, chunkSize: 1024);
        var line = Encoding.ASCII.GetBytes(new string('q', 99) + "\n");
        for (var i = 0; i < 50; i++)
        {
            writer.Write(line);
        }

        writer.FinishAsync<SyncIo>(default).Complete();
        var output = Encoding.ASCII.GetString(wire.Written.ToArray());
        Assert.That(writer.PendingChunkReplies, Is.GreaterThan(4));
        Assert.That(output, Does.StartWith("BDAT "));
        Assert.That(output, Does.Contain(" LAST\r\n"));
        Assert.That(writer.BytesWritten, Is.EqualTo(50 * 101));
    }
}
