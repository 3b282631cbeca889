using System.Globalization;
using System.Text.Json;
using NetComm.Testing;
using NetComm.Tests.Support;

namespace NetComm.Tests.Testing;

/// <summary>Python's smtplib and poplib, independent clients, against the test server.</summary>
[TestFixture]
[NonParallelizable]
public class PythonInteropTests
{
    private const string SendScript = """
        import smtplib, ssl, sys
        from email.message import EmailMessage
        host, port, cafile, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
        context = ssl.create_default_context(cafile=cafile)
        message = EmailMessage()
        message["From"] = "python@example.net"
        message["To"] = "alice@example.com"
        message["Subject"] = "From smtplib"
        message.set_content("Hello from Python.\n.A dot line\n..and another\n")
        if mode == "starttls":
            with smtplib.SMTP(host, port, timeout=20) as smtp:
                smtp.ehlo("python.example")
                smtp.starttls(context=context)
                smtp.ehlo("python.example")
                smtp.login("alice", "s3cret")
                refused = smtp.send_message(message)
                assert refused == {}, refused
        else:
            with smtplib.SMTP_SSL(host, port, context=context, timeout=20) as smtp:
                smtp.login("alice", "s3cret")
                smtp.send_message(message)
        print("sent")
        """;

    private const string FetchScript = """
        import poplib, ssl, sys, json
        host, port, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        context = ssl.create_default_context(cafile=cafile)
        pop = poplib.POP3(host, port, timeout=20)
        caps = pop.capa()
        pop.stls(context=context)
        pop.user("alice")
        pop.pass_("s3cret")
        count, size = pop.stat()
        listing = pop.list()[1]
        uidl = pop.uidl()[1]
        lines = pop.retr(1)[1]
        top = pop.top(1, 0)[1]
        pop.dele(1)
        pop.quit()
        print(json.dumps({
            "caps": sorted(caps.keys()), "count": count, "size": size,
            "listing": [l.decode() for l in listing], "uidl": [u.decode() for u in uidl],
            "lines": [l.decode() for l in lines], "top": [l.decode() for l in top]}))
        """;

    private TestMailServer _server = null!;
    private string _caFile = null!;

    [SetUp]
    public void SetUp()
    {
        Python.RequireAvailable();
        _server = TestMailServer.Launch(o => o.AddUser("alice", "s3cret"));
        _caFile = _server.WriteCertificatePem(Path.Combine(Path.GetTempPath(), $"netcomm-ca-{Guid.NewGuid():N}.pem"));
    }

    [TearDown]
    public void TearDown()
    {
        _server?.Dispose();
        if (_caFile is not null)
        {
            File.Delete(_caFile);
        }
    }

    [Test]
    public void Smtplib_starttls_login_send_then_poplib_stls_user_pass_stat_list_retr_dele_quit()
    {
        Assert.That(Python.Run(SendScript, _server.Host, _server.SmtpPort.ToString(CultureInfo.InvariantCulture), _caFile, "starttls"), Does.Contain("sent"));
        var received = _server.WaitForMessages(1, Timeouts.Wait).Single();
        Assert.Multiple(() =>
        {
            Assert.That(received.Envelope.From, Is.EqualTo("python@example.net"));
            Assert.That(received.Session.HeloName, Is.EqualTo("python.example"));
            Assert.That(received.Session.AuthMechanism, Is.EqualTo("CRAM-MD5"), "smtplib prefers CRAM-MD5");
            Assert.That(received.Message.Subject, Is.EqualTo("From smtplib"));
            Assert.That(received.Message.TextBody, Is.EqualTo("Hello from Python.\n.A dot line\n..and another\n").Or.EqualTo("Hello from Python.\r\n.A dot line\r\n..and another\r\n"));
        });

        var json = Python.Run(FetchScript, _server.Host, _server.Pop3Port.ToString(CultureInfo.InvariantCulture), _caFile);
        using var result = JsonDocument.Parse(json);
        var root = result.RootElement;
        var stored = _server.Messages.Single();
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("caps").EnumerateArray().Select(e => e.GetString()), Does.Contain("STLS").And.Contain("PIPELINING").And.Contain("UIDL"));
            Assert.That(root.GetProperty("count").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("size").GetInt32(), Is.EqualTo(stored.RawData.Length));
            Assert.That(root.GetProperty("listing")[0].GetString(), Is.EqualTo($"1 {stored.RawData.Length}"));
            var lines = root.GetProperty("lines").EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.That(string.Join("\r\n", lines) + "\r\n", Is.EqualTo(System.Text.Encoding.UTF8.GetString(stored.RawData.Span)), "poplib unstuffs what we stuffed");
            Assert.That(lines, Does.Contain(".A dot line").And.Contain("..and another"));
            Assert.That(root.GetProperty("top").EnumerateArray().Select(e => e.GetString()), Does.Contain("Subject: From smtplib").And.Not.Contain("Hello from Python."));
        });
        LoopbackServer.WaitUntil(() => _server.Mailbox("alice").Count == 0, "poplib's QUIT to delete the message");
        Assert.That(_server.ProtocolViolations, Is.Empty);
    }

    [Test]
    public void Smtplib_over_implicit_tls()
    {
        Assert.That(Python.Run(SendScript, _server.Host, _server.SmtpsPort.ToString(CultureInfo.InvariantCulture), _caFile, "ssl"), Does.Contain("sent"));
        Assert.That(_server.WaitForMessages(1, Timeouts.Wait).Single().Session.ImplicitTls, Is.True);
    }

    [Test]
    public void Smtplib_gets_a_clear_error_for_a_rejected_recipient()
    {
        _server.Faults.RejectRecipient("alice@example.com", 550, "5.1.1", "No such user");
        const string Script = """
            import smtplib, sys
            try:
                with smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=20) as smtp:
                    smtp.sendmail("p@example.net", ["alice@example.com"], "Subject: x\r\n\r\nbody\r\n")
                print("no error")
            except smtplib.SMTPRecipientsRefused as e:
                code, text = e.recipients["alice@example.com"]
                print(code, text.decode())
            """;
        Assert.That(Python.Run(Script, _server.Host, _server.SmtpPort.ToString(CultureInfo.InvariantCulture)).Trim(), Is.EqualTo("550 5.1.1 No such user"));
    }
}
