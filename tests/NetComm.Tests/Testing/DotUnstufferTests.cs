using System.Text;
using NetComm.Testing.Internal;

namespace NetComm.Tests.Testing;

/// <summary>The DATA reader, fed in every possible split.</summary>
[TestFixture]
public class DotUnstufferTests
{
    private static (string Content, int Consumed, DotUnstuffer Reader) Run(string wire, int split)
    {
        var bytes = Encoding.ASCII.GetBytes(wire);
        var buffer = new MessageBuffer(1 << 20);
        var reader = new DotUnstuffer(buffer);
        var consumed = 0;
        foreach (var part in new[] { bytes.AsSpan(0, split).ToArray(), bytes.AsSpan(split).ToArray() })
        {
            var (n, done) = reader.Consume(part);
            consumed += n;
            if (done)
            {
                return (Encoding.ASCII.GetString(buffer.ToArray()), consumed, reader);
            }
        }

        Assert.Fail("The end of data was not found.");
        return default;
    }

    [TestCase(".\r\n", "")]
    [TestCase("a\r\n.\r\n", "a\r\n")]
    [TestCase("..\r\n.\r\n", ".\r\n")]
    [TestCase("..x\r\n...\r\n.\r\n", ".x\r\n..\r\n")]
    [TestCase("a\n.\nb\r\n.\r\n", "a\n.\nb\r\n")]
    [TestCase("a\r.\rb\r\n.\r\n", "a\r.\rb\r\n")]
    [TestCase(".\rx\r\n.\r\n", "\rx\r\n")]
    [TestCase("x\r\r\n.\r\n", "x\r\r\n")]
    public void Unstuffs_and_finds_the_end_whatever_the_split(string wire, string expected)
    {
        for (var split = 0; split <= wire.Length; split++)
        {
            var (content, consumed, _) = Run(wire + "NEXT", split);
            Assert.That(content, Is.EqualTo(expected), $"split at {split}");
            Assert.That(consumed, Is.EqualTo(wire.Length), $"split at {split}: bytes after the end stay unread");
        }
    }

    [Test]
    public void Counts_bare_line_endings_and_long_lines()
    {
        var (_, _, reader) = Run("a\nb\rc\r\n" + new string('x', 999) + "\r\n.\r\n", 3);
        Assert.That(reader.BareLineFeeds, Is.EqualTo(1));
        Assert.That(reader.BareCarriageReturns, Is.EqualTo(1));
        Assert.That(reader.HasLongLine, Is.True);
    }

    [Test]
    public void The_buffer_stops_keeping_content_past_its_limit()
    {
        var buffer = new MessageBuffer(4);
        buffer.Write("abcd"u8);
        Assert.That(buffer.TooLarge, Is.False);
        buffer.Write("e"u8);
        Assert.That(buffer.TooLarge, Is.True);
        Assert.That(buffer.Length, Is.EqualTo(5));
        Assert.Throws<InvalidOperationException>(() => buffer.ToArray());
    }
}
