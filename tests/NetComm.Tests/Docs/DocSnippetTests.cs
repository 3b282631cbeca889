using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Testing;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Docs;

/// <summary>
/// Keeps the documentation true. (a) Every ```csharp block of README.md and docs/*.md (including pages
/// written by others, such as docs/testing.md and docs/pop3.md) must appear verbatim in
/// Docs/DocSnippets*.cs after a <c>// snippet: FILE#NAME</c> marker naming its page, so it compiles
/// with the build. (b) The snippets that need no outside server run here on loopback.
/// </summary>
/// <remarks>
/// Matching rule: lines are compared trimmed and blank lines are ignored. A block's leading
/// <c>using</c> directives must be among the directives of the snippet file that holds it (they
/// cannot sit in a method); the rest of the block must appear in order after a marker for its page
/// and before the next marker. A block may be split at its blank lines: each blank-separated
/// paragraph must appear as contiguous lines, so a type declaration and the statements that use it
/// can live in a nested type and a method. Every marker must be used by a block, so a snippet that
/// left the docs cannot linger in the code.
/// </remarks>
[TestFixture]
[NonParallelizable]
public class DocSnippetTests
{
    private static readonly Regex s_fence = new(@"^```\s*(csharp|cs|c#)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex s_usingDirective = new(@"^using\s+(static\s+)?([A-Za-z_][\w.]*\s*=\s*)?[A-Za-z_][\w.]*\s*;$", RegexOptions.CultureInvariant);
    private static readonly Regex s_marker = new(@"^// snippet: (?<file>\S+)#(?<name>\S+)$", RegexOptions.CultureInvariant);

    // ------------------------------------------------------------------ (a) docs == compiled code

    public static IEnumerable<string> DocumentedFiles()
    {
        var root = RepoRoot();
        yield return "README.md";
        foreach (var path in Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            yield return "docs/" + Path.GetFileName(path);
        }
    }

    [TestCaseSource(nameof(DocumentedFiles))]
    public void Every_csharp_block_is_compiled_code(string file)
    {
        var snippets = SnippetFiles();
        var failures = new List<string>();
        foreach (var block in ReadBlocks(file))
        {
            if (Match(block, snippets) is null)
            {
                failures.Add(Describe(block, snippets));
            }
        }

        Assert.That(failures, Is.Empty, $"{file}: ```csharp blocks not found verbatim in tests/NetComm.Tests/Docs/DocSnippets*.cs:\n\n" + string.Join("\n\n", failures));
    }

    [Test]
    public void Every_snippet_marker_is_used_by_a_block_of_its_page()
    {
        var snippets = SnippetFiles();
        var used = new HashSet<Region>();
        foreach (var file in DocumentedFiles())
        {
            foreach (var block in ReadBlocks(file))
            {
                if (Match(block, snippets, used) is { } region)
                {
                    used.Add(region);
                }
            }
        }

        var stale = snippets.SelectMany(s => s.Regions).Where(r => !used.Contains(r)).Select(r => $"{r.Source}: // snippet: {r.File}#{r.Name}").ToList();
        Assert.That(stale, Is.Empty, "Snippets in the code that no ```csharp block of their page matches (changed or removed from the docs?)");
    }

    [Test]
    public void The_pages_written_here_have_snippets_and_the_pop3_placeholder_is_marked()
    {
        foreach (var file in new[] { "README.md", "docs/getting-started.md", "docs/transport.md", "docs/smtp.md", "docs/from-python.md" })
        {
            Assert.That(ReadBlocks(file), Is.Not.Empty, file);
        }

        Assert.That(File.ReadAllText(Path.Combine(RepoRoot(), "docs/from-python.md")), Does.Contain("## POP3 (poplib)"));
    }

    // ------------------------------------------------------------------ (b) the snippets run

    [Test]
    public void Readme_tcp_and_udp()
    {
        Assert.That(Capture(DocSnippets.ReadmeTcp), Does.Contain("Welcome.\n").And.Contain("hello, Michael.\n"));
        Assert.That(Capture(DocSnippets.ReadmeUdp), Does.Contain("Hello, Michael.\n"));
    }

    [Test]
    public void Readme_mail_examples_run_as_they_are()
    {
        var sent = Capture(() => ReadmeMailSnippets.SendAsync().GetAwaiter().GetResult());
        Assert.That(sent, Does.Contain("C: STARTTLS").And.Contain("C: AUTH ").And.Contain("queued as "));
        Assert.That(sent, Does.Not.Contain("secret"), "the transcript redacts the password");

        var received = Capture(() => ReadmeMailSnippets.ReceiveAsync().GetAwaiter().GetResult());
        Assert.That(received, Does.Contain("hello"));

        Assert.That(ReadmeMailSnippets.TestAsync().GetAwaiter().GetResult(), Is.EqualTo("Welcome"));
    }

    [Test]
    public void Getting_started_tcp_server_and_client()
    {
        var output = Capture(DocSnippets.GettingStartedTcp);
        Assert.That(output, Does.Contain("Welcome.\nhello, Michael.\nhello, Tracy.\nhello, Sarah.\n"));
        Assert.That(output, Does.Contain("accept new connection from 127.0.0.1:"));
    }

    [Test]
    public void Getting_started_udp_server_and_client()
    {
        var output = Capture(DocSnippets.GettingStartedUdp);
        Assert.That(output, Does.Contain("Hello, Michael.\n").And.Contain("Hello, Tracy.\n").And.Contain("Hello, Sarah.\n"));
        Assert.That(output, Does.Contain("Received from 127.0.0.1:"));
    }

    [Test]
    public void Transport_server_options()
    {
        var options = DocSnippets.TransportServerOptions(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.That(options.MaxConnections, Is.EqualTo(1_000));
        Assert.That(options.EndPoint, Is.EqualTo(new IPEndPoint(IPAddress.IPv6Any, 0)));
        using var server = new TcpServer((c, s) => { }, options);   // not started: nothing is bound
        Assert.That(server.IsRunning, Is.False);
    }

    [Test]
    public void Transport_max_connections_refuses_the_extra_client()
    {
        long refused = 0;
        var output = Capture(() => refused = DocSnippets.TransportMaxConnections());
        Assert.That(refused, Is.EqualTo(1));
        Assert.That(output, Is.EqualTo("Welcome.\nBUSY try again later\n(closed)\n1\n"));
    }

    [Test]
    public void Transport_stop_drains_the_handlers()
    {
        var drained = false;
        var output = Capture(() => drained = DocSnippets.TransportStop());
        Assert.That(drained, Is.True);
        Assert.That(output, Does.StartWith("ping\n").And.Contain("all handlers returned: True"));
    }

    [Test]
    public void Transport_connect_tries_every_address_of_localhost()
    {
        using var server = LoopbackServer.Start((c, s) => { });
        EndPoint? remote = null;
        var output = Capture(() => remote = DocSnippets.TransportConnect(server));
        Assert.That(output, Is.EqualTo($"127.0.0.1:{server.LocalEndPoint.Port}\n"));
        Assert.That(remote, Is.EqualTo(new IPEndPoint(IPAddress.Loopback, server.LocalEndPoint.Port)));
    }

    [Test]
    public void Transport_read_header_then_exact_body()
    {
        using var server = LoopbackServer.Start((c, s) => c.Write("5\r\nhello"u8));
        using var client = LoopbackServer.Connect(server);
        Assert.That(Encoding.ASCII.GetString(DocSnippets.TransportReadFramed(client)), Is.EqualTo("hello"));

        using var shortServer = LoopbackServer.Start((c, s) => c.Write("5\r\nhel"u8));
        using var shortClient = LoopbackServer.Connect(shortServer);
        Assert.Throws<EndOfStreamException>(() => DocSnippets.TransportReadFramed(shortClient));
    }

    [Test]
    public void Transport_read_timeout_is_a_TimeoutException()
    {
        using var server = LoopbackServer.Start((c, stopping) => stopping.WaitHandle.WaitOne());   // says nothing
        var output = Capture(() => DocSnippets.TransportTimeoutsAsync(server.LocalEndPoint.Port).GetAwaiter().GetResult());
        Assert.That(output, Does.StartWith("our deadline: Read on connection #"));
    }

    [Test]
    public void Transport_half_close()
        => Assert.That(Capture(DocSnippets.TransportHalfClose), Is.EqualTo("2 names\n"));

    [Test]
    public void Transport_tls_upgrade_as_client_and_server()
    {
        var isTls = false;
        var output = Capture(() => isTls = DocSnippets.TransportTls(TestCertificates.Localhost));
        Assert.That(isTls, Is.True);
        Assert.That(output, Does.StartWith("hello over Tls"));
    }

    [Test]
    public void Transport_plaintext_after_go_ahead_refuses_the_upgrade()
    {
        // One write: the injected line arrives with the go-ahead and waits in the client's buffer.
        using var server = LoopbackServer.Start((c, stopping) =>
        {
            c.ReadLine();
            c.Write("220 go ahead\r\n250 injected\r\n"u8);
            stopping.WaitHandle.WaitOne();
        });
        var client = LoopbackServer.Connect(server);
        var output = Capture(() => DocSnippets.TransportInjection(client));
        Assert.That(output, Does.StartWith("refused: 14 plaintext bytes were waiting"));
        Assert.That(client.IsDisposed, Is.True);
    }

    [Test]
    public void Transport_udp_truncation_is_reported()
    {
        UdpReceiveResult result = default;
        var output = Capture(() => result = DocSnippets.TransportUdpTruncation());
        Assert.That(result.Truncated, Is.True);
        Assert.That(result.Length, Is.EqualTo(10));
        Assert.That(output, Does.EndWith("truncated: True\n"));
    }

    [Test]
    public void Transport_udp_connected_mode()
    {
        using var server = new UdpEndpoint();
        using var loop = server.StartReceiveLoop((endpoint, datagram, remote, truncated) => endpoint.SendTo(datagram, remote));
        Assert.That(Capture(() => DocSnippets.TransportUdpConnected(server)), Is.EqualTo("ping\n"));
    }

    [Test]
    public void Transport_udp_receive_loop()
    {
        var output = Capture(DocSnippets.TransportUdpReceiveLoop);
        Assert.That(output, Is.EqualTo("7 bytes back; loop handled 1, failed 0\nstopped in time: True\n"));
    }

    [Test]
    public void Smtp_messages_of_the_tutorial()
    {
        var imagePath = ImageFile();

        var message = DocSnippets.SmtpPlain();
        Assert.That(message.Body, Is.TypeOf<TextPart>().With.Property(nameof(TextPart.IsPlain)).True);
        Assert.That(message.MessageId, Is.Not.Null.And.Not.Empty);
        Assert.That(message.ToString(), Does.Contain("From: =?utf-8?").IgnoreCase, "the display name is RFC 2047-encoded on the wire");

        DocSnippets.SmtpHtml(message);
        Assert.That(message.Body, Is.TypeOf<TextPart>().With.Property(nameof(TextPart.IsHtml)).True);

        DocSnippets.SmtpAlternative(message);
        var alternative = (MultipartAlternative)message.Body;
        Assert.That(alternative.Select(p => p.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "text/html" }));

        DocSnippets.SmtpAttachment(message, imagePath);
        var mixed = (Multipart)message.Body;
        Assert.That(mixed.ContentType.MimeType, Is.EqualTo("multipart/mixed"));
        var attachment = (MimePart)mixed[1];
        Assert.That(attachment.ContentType.MimeType, Is.EqualTo("image/jpeg"));
        Assert.That(attachment.ContentTransferEncoding, Is.EqualTo(ContentEncoding.Base64));
        Assert.That(attachment.IsAttachment, Is.True);

        var image = DocSnippets.SmtpInlineImage(message, imagePath);
        var outer = (MultipartAlternative)message.Body;
        var related = (MultipartRelated)outer[1];
        Assert.That(related[1], Is.SameAs(image));
        Assert.That(((TextPart)related[0]).Text, Does.Contain($"cid:{image.ContentId}"));
        Assert.That(image.ContentDisposition?.Disposition, Is.EqualTo(ContentDisposition.Inline));
    }

    [Test]
    public void From_python_print_info()
    {
        var message = DocSnippets.SmtpPlain();
        DocSnippets.SmtpInlineImage(message, ImageFile());
        var output = Capture(() => DocSnippets.FromPythonPrintInfo(message));
        Assert.That(output, Does.StartWith("From: \"发件人\" <aurelius@example.com>\nTo: \"收件人\" <friend@example.com>\nSubject: 标题\npart 0\n"));
        Assert.That(output, Does.Contain("  Text: hello, send by NetComm......").And.Contain("    Attachment: image/jpeg"));

        var outline = Capture(() => DocSnippets.FromPythonOutline(message));
        Assert.That(outline, Does.Contain("标题").And.Contain("image/jpeg"));
        TestContext.Out.WriteLine(output + outline);
    }

    [Test]
    public void Smtp_options_tls_modes_pins_authentication_observability()
    {
        var modes = DocSnippets.SmtpTlsModes();
        Assert.That(modes.Select(o => o.TlsMode), Is.EqualTo(new[] { TlsMode.Auto, TlsMode.Auto, TlsMode.StartTlsWhenAvailable, TlsMode.None }));

        var pinned = DocSnippets.SmtpPins();
        Assert.That(pinned.Tls.Pins, Has.Count.EqualTo(1));
        Assert.That(pinned.Tls.Revocation, Is.EqualTo(RevocationCheck.SoftFail));

        var options = new SmtpClientOptions();
        var token = DocSnippets.SmtpAuthentication(options, "ya29.token");
        Assert.That(options.AuthenticationMechanism, Is.EqualTo("LOGIN"));
        Assert.That(token.AccessToken, Is.EqualTo("ya29.token"));
        Assert.That(token.ToString(), Does.Not.Contain("ya29"));

        using var transcript = new StringWriter();
        var observed = DocSnippets.SmtpObservability(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, transcript);
        Assert.That(observed.Logger, Is.Not.Null);
        Assert.That(observed.Transcript, Is.SameAs(transcript));
    }

    [Test]
    public void Smtp_envelope_from_the_headers()
    {
        var message = DocSnippets.SmtpPlain();
        SmtpEnvelope? envelope = null;
        var output = Capture(() => envelope = DocSnippets.SmtpEnvelopeFromHeaders(message));
        Assert.That(envelope!.Recipients.Select(r => r.Address), Is.EqualTo(new[] { "friend@example.com", "audit@example.com" }));
        Assert.That(output, Is.EqualTo("aurelius@example.com\nfriend@example.com, audit@example.com\n"));
    }

    [Test]
    public async Task Smtp_send_with_starttls_and_login_against_the_test_server()
    {
        using var server = LaunchMailServer();
        var message = DocSnippets.SmtpPlain();
        var options = MailServerOptions(server);
        using var transcript = new StringWriter();
        options.Transcript = transcript;

        var result = await DocSnippets.SmtpSendAsync(options, Credentials, message, CancellationToken.None);

        Assert.That(result.UsedTls, Is.True);
        Assert.That(result.QueueId, Is.Not.Null.And.Not.Empty);
        var received = server.WaitForMessages(1, Timeouts.Wait).Single();
        Assert.That(received.Session.IsTls, Is.True);
        Assert.That(received.Session.AuthenticatedUser, Is.EqualTo("aurelius"));
        Assert.That(received.Message.Subject, Is.EqualTo("标题"));
        Assert.That(received.QueueId, Is.EqualTo(result.QueueId));
        Assert.That(server.ProtocolViolations, Is.Empty);
        await TestContext.Out.WriteLineAsync(transcript.ToString());
    }

    [Test]
    public void Smtp_transcript_redacts_the_login_and_summarises_the_content()
    {
        using var server = LaunchMailServer();
        var options = MailServerOptions(server);
        var message = DocSnippets.SmtpPlain();
        var output = Capture(() =>
        {
            DocSnippets.SmtpTranscript(options);
            DocSnippets.SmtpSendAsync(options, Credentials, message, CancellationToken.None).GetAwaiter().GetResult();
        });

        Assert.That(output, Does.Contain("C: STARTTLS").And.Contain("C: AUTH ").And.Contain("********"));
        Assert.That(output, Does.Not.Contain(Credentials.Password!));
        Assert.That(output, Does.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("\0aurelius\0" + Credentials.Password))));
        Assert.That(output, Does.Match(@"C: <message content: [\d,]+ bytes>"));
        Assert.That(output, Does.Not.Contain("hello, send by NetComm"));
    }

    [Test]
    public void Smtp_explicit_envelope_with_dsn_and_requiretls()
    {
        using var server = LaunchMailServer();
        using var client = ConnectedClient(server);
        var result = DocSnippets.SmtpExplicitEnvelope(client, DocSnippets.SmtpPlain());

        Assert.That(result.Recipients.Select(r => r.Accepted), Is.All.True);
        var envelope = server.WaitForMessages(1, Timeouts.Wait).Single().Envelope;
        Assert.That(envelope.From, Is.EqualTo("bounces@example.com"));
        Assert.That(envelope.EnvelopeId, Is.EqualTo("order-4711"));
        Assert.That(envelope.Ret, Is.EqualTo("HDRS"));
        Assert.That(envelope.RequireTls, Is.True);
        Assert.That(envelope.Recipients.Select(r => r.Notify), Is.EqualTo(new[] { "FAILURE,DELAY", "NEVER" }));
        Assert.That(server.ProtocolViolations, Is.Empty);
    }

    [Test]
    public void Smtp_raw_bytes_arrive_unchanged()
    {
        using var server = LaunchMailServer();
        using var client = ConnectedClient(server);
        var emlPath = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"signed-{Guid.NewGuid():N}.eml");
        var bytes = Encoding.ASCII.GetBytes("From: aurelius@example.com\r\nTo: friend@example.com\r\nSubject: raw\r\nDKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; b=abc\r\n\r\nBody.\r\n.leading dot\r\n");
        File.WriteAllBytes(emlPath, bytes);
        try
        {
            DocSnippets.SmtpRaw(client, emlPath);
        }
        finally
        {
            File.Delete(emlPath);
        }

        Assert.That(server.WaitForMessages(1, Timeouts.Wait).Single().ToArray(), Is.EqualTo(bytes));
    }

    [Test]
    public void Smtp_partial_delivery_reports_the_refused_recipient()
    {
        using var server = LaunchMailServer();
        server.Faults.RejectRecipient("bob@example.com", 550, "5.1.1", "No such user");
        var message = DocSnippets.SmtpPlain();
        message.To.Add(new MailboxAddress("Bob", "bob@example.com"));
        SmtpSendResult? result = null;
        var output = Capture(() => result = DocSnippets.SmtpPartialDelivery(MailServerOptions(server), Credentials, message));

        Assert.That(output, Is.EqualTo("bob@example.com: 550 5.1.1 No such user\n"));
        Assert.That(result!.QueueId, Is.Not.Null);
        Assert.That(server.WaitForMessages(1, Timeouts.Wait).Single().Envelope.Recipients.Select(r => r.Address), Is.EqualTo(new[] { "friend@example.com" }));
    }

    [Test]
    public async Task Smtp_sender_delivers_every_message_once_over_a_pool()
    {
        using var server = LaunchMailServer();
        var messages = Enumerable.Range(0, 20).Select(i =>
        {
            var message = DocSnippets.SmtpPlain();
            message.Subject = $"pooled {i}";
            return message;
        }).ToList();

        var results = await DocSnippets.SmtpSenderAsync(MailServerOptions(server), Credentials, messages, CancellationToken.None);

        Assert.That(results, Has.Length.EqualTo(20).And.All.Matches<SmtpSendResult>(r => r.UsedTls));
        var received = server.WaitForMessages(20, Timeouts.Wait);
        Assert.That(received.Select(m => m.Message.Subject), Is.EquivalentTo(messages.Select(m => m.Subject)));
        Assert.That(received.Select(m => m.Session.ConnectionId).Distinct().Count(), Is.InRange(1, 4));
    }

    [Test]
    public async Task Smtp_retries_succeed_at_once_when_nothing_fails()
    {
        using var server = LaunchMailServer();
        var result = await DocSnippets.SmtpRetries(MailServerOptions(server), Credentials, DocSnippets.SmtpPlain(), CancellationToken.None);
        Assert.That(result.UsedTls, Is.True);
        Assert.That(server.WaitForMessages(1, Timeouts.Wait), Has.Count.EqualTo(1));
    }

    [Test]
    public Task Testing_page_netcomm_clients_send_and_read_back_through_the_test_server() => TestingNetCommSnippets.NetCommClients();

    [Test]
    public Task Testing_page_mocks_return_results_a_real_server_would_give() => Task.WhenAll(TestingNetCommSnippets.MockedSmtpClient(), TestingNetCommSnippets.MockedPop3Client());

    [Test]
    public void Testing_page_fault_recipes_can_all_be_added_and_cleared()
    {
        using var server = TestMailServer.Launch();
        TestingDocSnippets.Faults(server);
        Assert.That(server.Faults.Count, Is.Zero);
    }

    // ------------------------------------------------------------------ support

    private static readonly MailCredentials Credentials = new("aurelius", "s3cret-Passw0rd");

    private static TestMailServer LaunchMailServer()
        => TestMailServer.Launch(o => o.AddUser(Credentials.UserName, Credentials.Password!, "aurelius@example.com"));

    /// <summary>What the pages' <c>options</c> would be with the test server in place of smtp.example.com.</summary>
    private static SmtpClientOptions MailServerOptions(TestMailServer server) => new()
    {
        Host = server.Host,
        Port = server.SmtpPort,                       // not 465: TlsMode.Auto requires STARTTLS
        Tls = { TrustedRoots = { server.Certificate } },
        LocalDomain = "client.example.com",
    };

    private static SmtpClient ConnectedClient(TestMailServer server)
    {
        var client = new SmtpClient(MailServerOptions(server));
        client.Connect();
        client.Authenticate(Credentials);
        return client;
    }

    private static string ImageFile()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "threefish.jpg");
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0xFF, 0xD9]);
        }

        return path;
    }

    /// <summary>Runs <paramref name="action"/> with Console.Out captured (handler threads included) and returns what it wrote, with LF line ends.</summary>
    private static string Capture(Action action)
    {
        var previous = Console.Out;
        using var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            action();
        }
        finally
        {
            Console.SetOut(previous);
        }

        return writer.ToString().ReplaceLineEndings("\n");
    }

    // ------------------------------------------------------------------ the matcher

    private sealed record Block(string File, int Line, IReadOnlyList<string> Usings, IReadOnlyList<IReadOnlyList<string>> Paragraphs);

    private sealed record Region(string Source, string File, string Name, int Start, int End);

    private sealed record SnippetFile(string Source, IReadOnlyList<string> Lines, IReadOnlySet<string> LineSet, IReadOnlyList<Region> Regions);

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NetComm.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No NetComm.sln above {TestContext.CurrentContext.TestDirectory}.");
    }

    private static List<Block> ReadBlocks(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoRoot(), file));
        var blocks = new List<Block>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!s_fence.IsMatch(lines[i].Trim()))
            {
                continue;
            }

            var start = i + 1;
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].Trim().StartsWith("```", StringComparison.Ordinal); i++)
            {
                body.Add(lines[i].Trim());
            }

            var usings = new List<string>();
            var k = 0;
            for (; k < body.Count && (body[k].Length == 0 || s_usingDirective.IsMatch(body[k])); k++)
            {
                if (body[k].Length > 0)
                {
                    usings.Add(body[k]);
                }
            }

            var paragraphs = new List<IReadOnlyList<string>>();
            var paragraph = new List<string>();
            foreach (var line in body.Skip(k).Append(""))
            {
                if (line.Length > 0)
                {
                    paragraph.Add(line);
                }
                else if (paragraph.Count > 0)
                {
                    paragraphs.Add(paragraph);
                    paragraph = [];
                }
            }

            blocks.Add(new Block(file, start, usings, paragraphs));
        }

        return blocks;
    }

    private static List<SnippetFile> SnippetFiles()
    {
        var root = RepoRoot();
        var files = new List<SnippetFile>();
        foreach (var path in Directory.GetFiles(Path.Combine(root, "tests/NetComm.Tests/Docs"), "DocSnippets*.cs").Order(StringComparer.Ordinal))
        {
            var source = Path.GetRelativePath(root, path).Replace('\\', '/');
            var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            var markers = lines.Select((line, index) => (Match: s_marker.Match(line), Index: index)).Where(m => m.Match.Success).ToList();
            var regions = markers.Select((m, n) => new Region(
                source,
                m.Match.Groups["file"].Value,
                m.Match.Groups["name"].Value,
                m.Index + 1,
                n + 1 < markers.Count ? markers[n + 1].Index : lines.Count)).ToList();
            files.Add(new SnippetFile(source, lines, lines.ToHashSet(StringComparer.Ordinal), regions));
        }

        return files;
    }

    /// <summary>The region holding <paramref name="block"/>, preferring one no other block has used; null when none does.</summary>
    private static Region? Match(Block block, List<SnippetFile> snippets, IReadOnlySet<Region>? used = null)
    {
        Region? fallback = null;
        foreach (var snippet in snippets)
        {
            if (!block.Usings.All(snippet.LineSet.Contains))
            {
                continue;
            }

            foreach (var region in snippet.Regions.Where(r => r.File == block.File))
            {
                if (ContainsInOrder(snippet.Lines, region, block.Paragraphs))
                {
                    if (used is null || !used.Contains(region))
                    {
                        return region;
                    }

                    fallback ??= region;
                }
            }
        }

        return fallback;
    }

    private static bool ContainsInOrder(IReadOnlyList<string> lines, Region region, IReadOnlyList<IReadOnlyList<string>> paragraphs)
    {
        var position = region.Start;
        foreach (var paragraph in paragraphs)
        {
            var found = IndexOf(lines, paragraph, position, region.End);
            if (found < 0)
            {
                return false;
            }

            position = found + paragraph.Count;
        }

        return true;
    }

    private static int IndexOf(IReadOnlyList<string> lines, IReadOnlyList<string> paragraph, int from, int end)
    {
        for (var i = from; i + paragraph.Count <= end; i++)
        {
            var j = 0;
            while (j < paragraph.Count && lines[i + j] == paragraph[j])
            {
                j++;
            }

            if (j == paragraph.Count)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Says where the block is and, when a marker for its page exists, the first line that differs.</summary>
    private static string Describe(Block block, List<SnippetFile> snippets)
    {
        var first = block.Paragraphs.Count > 0 ? block.Paragraphs[0][0] : block.Usings.Count > 0 ? block.Usings[0] : "";
        var text = $"{block.File}:{block.Line}: block starting \"{first}\"";
        var missingUsings = block.Usings.Where(u => !snippets.Any(s => s.LineSet.Contains(u))).ToList();
        if (missingUsings.Count > 0)
        {
            text += $"\n  using directives in no snippet file: {string.Join(" ", missingUsings)}";
        }

        var missingLines = block.Paragraphs.SelectMany(p => p).Where(l => !snippets.Any(s => s.LineSet.Contains(l))).Take(3).ToList();
        text += missingLines.Count > 0
            ? $"\n  lines found nowhere in the snippet files: {string.Join(" | ", missingLines)}"
            : $"\n  every line exists, but not in order after a `// snippet: {block.File}#NAME` marker (or split differently)";
        return text;
    }
}
