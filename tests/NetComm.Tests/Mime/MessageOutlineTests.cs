using System.Text;
using MimeKit;
using NetComm.Mime;

namespace NetComm.Tests.Mime;

[TestFixture]
public class MessageOutlineTests
{
    private static MimeMessage Parse(string text) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal))));

    private const string Nested = """
        From: =?UTF-8?B?Wm/DqyDDnG7Dr2NvZGU=?= <zoe@example.test>
        To: Alice <alice@example.test>, bob@example.test
        Subject: =?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        --outer
        Content-Type: multipart/alternative; boundary="alt"

        --alt
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        Plain part: caf=C3=A9 =E2=9C=93
        --alt
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: base64

        PHA+SFRNTDwvcD4=
        --alt--
        --outer
        Content-Type: application/octet-stream
        Content-Disposition: attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.bin
        Content-Transfer-Encoding: base64

        AAECAwQFBgcICQ==
        --outer--
        """;

    [Test]
    public void Headers_are_decoded_and_the_tree_is_printed_like_the_tutorial()
    {
        var outline = MessageOutline.Create(Parse(Nested));

        Assert.That(outline.ToString(), Is.EqualTo("""
            From: Zoë Ünïcode <zoe@example.test>
            To: Alice <alice@example.test>, <bob@example.test>
            Subject: Grüße aus Köln
            part 0
            --------------------
              part 0
              --------------------
                Text: Plain part: café ✓...
              part 1
              --------------------
                Text: <p>HTML</p>...
            part 1
            --------------------
              Attachment: application/octet-stream (报告.bin, 10 bytes)

            """.Replace("\r\n", "\n", StringComparison.Ordinal)));
    }

    [Test]
    public void Parts_carry_types_charsets_text_names_and_sizes()
    {
        var outline = MessageOutline.Create(Parse(Nested));
        var parts = outline.Parts.ToList();

        Assert.That(parts.Select(p => (p.ContentType, p.Depth)), Is.EqualTo(new[]
        {
            ("multipart/mixed", 0), ("multipart/alternative", 1), ("text/plain", 2), ("text/html", 2), ("application/octet-stream", 1),
        }));
        Assert.That(parts[2].Charset, Is.EqualTo("utf-8"));
        Assert.That(parts[2].Text, Is.EqualTo("Plain part: café ✓"));
        var attachment = outline.Attachments.Single();
        Assert.That(attachment.FileName, Is.EqualTo("报告.bin"));
        Assert.That(attachment.Size, Is.EqualTo(10));
    }

    [Test]
    public void Legacy_charsets_in_headers_and_bodies_are_decoded()
    {
        var gbk = CodePagesEncodingProvider.Instance.GetEncoding(936)!;
        var subject = "=?GB2312?B?" + Convert.ToBase64String(gbk.GetBytes("你好，世界")) + "?=";
        var head = $"From: a@example.test\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(head).Concat(gbk.GetBytes("这是一封邮件。\r\n")).ToArray();

        var message = MimeMessage.Load(new MemoryStream(bytes));
        var outline = MessageOutline.Create(message);

        Assert.That(outline.Subject, Is.EqualTo("你好，世界"));
        Assert.That(outline.Body.Text, Is.EqualTo("这是一封邮件。\r\n").Or.EqualTo("这是一封邮件。\n"));
        Assert.That(outline.ToString(), Does.Contain("Text: 这是一封邮件。..."));
    }

    [Test]
    public void An_attached_message_is_outlined_with_its_own_headers_one_level_down()
    {
        var outline = MessageOutline.Create(Parse("""
            From: Alice <alice@example.test>
            Subject: Fwd: hello
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain

            See below.
            --b
            Content-Type: message/rfc822

            From: Bob <bob@example.test>
            Subject: =?UTF-8?Q?r=C3=A9sum=C3=A9?=

            Inner body.
            --b--
            """));

        var text = outline.ToString();

        Assert.That(text, Does.Contain("part 1\n--------------------\n  From: Bob <bob@example.test>\n  To: \n  Subject: résumé\n  Text: Inner body....\n"));
        Assert.That(outline.Parts.Last().Text, Does.StartWith("Inner body."));
    }

    [Test]
    public void Long_text_is_shortened_to_one_line_in_the_tree()
    {
        var outline = MessageOutline.Create(Parse("Subject: long\nContent-Type: text/plain\n\n" + string.Join("\n", Enumerable.Repeat("word word word", 20)) + "\n"));

        Assert.That(outline.ToString(20), Does.Contain("Text: word word word word..."));
        Assert.That(outline.Body.Text, Has.Length.GreaterThan(200));
    }
}
