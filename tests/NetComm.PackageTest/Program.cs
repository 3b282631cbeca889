using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using MimeKit;
using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Smtp;
using NetComm.Testing;
using NetComm.Transport;

// Calls the installed packages' public API end to end, as a user would: a TCP round trip with NetComm, then a
// message sent over STARTTLS with NetComm's SmtpClient to NetComm.Testing's TestMailServer and read back with
// Pop3Client. build/package-test.sh runs it as
//   NetComm.PackageTest --version <packed version> --runtime <expected .NET major> [--self-contained]
// and every mismatch ends it with exit code 1 and a line naming what differed.
const string Tag = "[package-test]";
var failures = new List<string>();

void Check(bool ok, string what)
{
    Console.WriteLine($"{Tag} {(ok ? "ok  " : "FAIL")} {what}");
    if (!ok)
    {
        failures.Add(what);
    }
}

try
{
    var expectedVersion = Option("--version") ?? throw new ArgumentException("--version <packed version> is required");
    var expectedRuntime = int.Parse(Option("--runtime") ?? throw new ArgumentException("--runtime <major> is required"), System.Globalization.CultureInfo.InvariantCulture);
    var selfContained = args.Contains("--self-contained");

    // Which runtime runs this process, and which assets of the packages it loaded.
    Console.WriteLine($"{Tag} runtime: {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier}), app built for {Built(Assembly.GetEntryAssembly()!)}");
    var coreLibrary = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
    Console.WriteLine($"{Tag} runtime files: {coreLibrary}");
    Check(Environment.Version.Major == expectedRuntime && RuntimeInformation.FrameworkDescription.StartsWith($".NET {expectedRuntime}.", StringComparison.Ordinal),
        $"runs on .NET {expectedRuntime}.x: {RuntimeInformation.FrameworkDescription}");
    var besideApp = Path.GetFullPath(coreLibrary).TrimEnd('/') == Path.GetFullPath(AppContext.BaseDirectory).TrimEnd('/');
    Check(besideApp == selfContained, selfContained
        ? "self-contained: the runtime is the one published beside the app"
        : "framework-dependent: the runtime is a shared framework");
    foreach (var assembly in new[] { typeof(TcpServer).Assembly, typeof(TestMailServer).Assembly })
    {
        var name = assembly.GetName().Name;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        Console.WriteLine($"{Tag} {name} {version} ({Built(assembly)}) from {assembly.Location}");
        Check(version == expectedVersion || version.StartsWith(expectedVersion + "+", StringComparison.Ordinal),
            $"{name} is the packed version {expectedVersion}");
        Check(Built(assembly) == $".NETCoreApp,Version=v{expectedRuntime}.0", $"{name} is its net{expectedRuntime}.0 asset");
    }

    // TCP: a server and a client on loopback, an ephemeral port.
    using (var server = new TcpServer((connection, stopping) =>
    {
        var name = connection.ReadLine();
        connection.WriteLine($"hello, {name}.");
    }))
    {
        server.Start();
        using var client = TcpConnection.Connect("127.0.0.1", server.LocalEndPoint.Port, new TcpClientOptions { ReadTimeout = TimeSpan.FromSeconds(10) });
        client.WriteLine("package");
        var reply = client.ReadLine();
        Console.WriteLine($"{Tag} TCP reply: {reply}");
        Check(reply == "hello, package.", "TCP round trip");
    }

    // Mail: SMTP with STARTTLS into TestMailServer, POP3 with STLS back out.
    const string Recipient = "alice@example.test";
    const string Subject = "Package test: 来自SMTP的问候……";
    const string Body = "Sent from the packed NetComm, read back with POP3.\r\nZweite Zeile: äöü, 第二行.\r\n";
    await using var mail = TestMailServer.Launch(o => o.AddUser("alice", "secret", Recipient));
    var message = new MimeMessage();
    message.From.Add(new MailboxAddress("Package Test", "sender@example.test"));
    message.To.Add(new MailboxAddress("Alice", Recipient));
    message.Subject = Subject;
    message.Body = new TextPart("plain") { Text = Body };

    await using (var smtp = new SmtpClient(new SmtpClientOptions
    {
        Host = mail.Host,
        Port = mail.SmtpPort,
        Tls = new TlsClientOptions { TrustedRoots = { mail.Certificate } },
    }))
    {
        await smtp.ConnectAsync();
        await smtp.AuthenticateAsync(new MailCredentials("alice", "secret"));
        var sent = await smtp.SendAsync(message);
        Console.WriteLine($"{Tag} SMTP: queued as {sent.QueueId}, TLS {sent.UsedTls}, {sent.BytesSent} bytes");
        Check(sent.UsedTls, "SMTP sent over STARTTLS");
        Check(sent.Recipients.Count == 1 && !sent.Rejected.Any(), "SMTP: the recipient was accepted");
        await smtp.DisconnectAsync();
    }

    var received = (await mail.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10)))[0];
    Console.WriteLine($"{Tag} server received: {received}");
    Check(received.Session.IsTls && received.Session.AuthenticatedUser == "alice", "server: the session was TLS and authenticated as alice");
    Check(received.Envelope.Recipients.Select(r => r.Address).SequenceEqual([Recipient]), $"server: envelope recipient is <{Recipient}>");

    await using (var pop3 = new Pop3Client(new Pop3ClientOptions
    {
        Host = mail.Host,
        Port = mail.Pop3Port,
        Tls = new TlsClientOptions { TrustedRoots = { mail.Certificate } },
    }))
    {
        await pop3.ConnectAsync();
        await pop3.AuthenticateAsync(new MailCredentials("alice", "secret"));
        Check(pop3.IsTls, "POP3 read over STLS");
        var stat = await pop3.StatAsync();
        Check(stat.Count == 1 && stat.TotalSize == received.RawData.Length, $"POP3: one message of {received.RawData.Length} octets (STAT {stat.Count} {stat.TotalSize})");
        byte[] raw = [];
        await pop3.RetrieveEachAsync([1], async (number, content, ct) =>
        {
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, ct);
            raw = copy.ToArray();
        });
        Check(raw.AsSpan().SequenceEqual(received.RawData.Span), $"POP3 returns the bytes SMTP delivered ({raw.Length} octets)");
        Check(raw.Select((b, i) => b != (byte)'\n' || (i > 0 && raw[i - 1] == (byte)'\r')).All(ok => ok), "the delivered bytes end every line with CRLF");
        var fetched = await pop3.RetrieveAsync(1);
        Console.WriteLine($"{Tag} POP3 message: To {fetched.To}, Subject {fetched.Subject}");
        Check(fetched.Subject == Subject, "subject survives the round trip");
        // MimeKit hands decoded text back with the platform's line endings; on the wire they are CRLF.
        Check(fetched.TextBody?.ReplaceLineEndings("\r\n") == Body, $"body survives the round trip: {Escape(fetched.TextBody)}");
        Check(fetched.To.Mailboxes.Select(m => m.Address).SequenceEqual([Recipient]), $"To: is <{Recipient}>");
        await pop3.DeleteAsync(1);
        await pop3.CommitAsync();
    }
    Check(mail.Mailbox("alice").Count == 0, "POP3 deleted the message on QUIT");
}
catch (Exception e)
{
    failures.Add($"{e.GetType().Name}: {e.Message}");
    Console.WriteLine($"{Tag} FAIL unexpected {e}");
}

if (failures.Count > 0)
{
    Console.Error.WriteLine($"{Tag} FAILED on {RuntimeInformation.FrameworkDescription}: {string.Join("; ", failures)}");
    return 1;
}
Console.WriteLine($"{Tag} passed on {RuntimeInformation.FrameworkDescription}: TCP and SMTP/POP3 round trips with the packed NetComm and NetComm.Testing");
return 0;

string? Option(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

static string Escape(string? text) => text is null ? "(none)" : $"\"{text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"";

static string Built(Assembly assembly) => assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName ?? "unknown";
