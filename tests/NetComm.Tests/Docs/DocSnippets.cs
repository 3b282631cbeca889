using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using MimeKit;
using MimeKit.Utils;
using NetComm.Mail;
using NetComm.Mime;
using NetComm.Smtp;
using NetComm.Transport;

namespace NetComm.Tests.Docs;

/// <summary>
/// Every C# snippet of README.md and docs/*.md, verbatim, as compiled code. Each snippet follows a
/// <c>// snippet: FILE#NAME</c> marker inside a method; the lines around it only supply what the
/// snippet takes from its page (a server, a port, a message). <see cref="DocSnippetTests"/> checks that
/// every ```csharp block of the docs appears here (so docs cannot drift from code) and runs the ones
/// that need no outside server. Edit a snippet here and in its page together.
/// </summary>
public static class DocSnippets
{
    // ---------------------------------------------------------------- README.md

    public static void ReadmeTcp()
    {
        // snippet: README.md#tcp
        using var server = new TcpServer((connection, stopping) =>
        {
            connection.WriteLine("Welcome.");
            while (connection.ReadLine(maxLength: 1024) is { } name && name != "exit")
            {
                connection.WriteLine($"hello, {name}.");
            }
        }, new TcpServerOptions { MaxConnections = 1000 });
        server.Start();                                   // port 0: an ephemeral port
        Console.WriteLine($"listening on {server.LocalEndPoint}");

        using var client = TcpConnection.Connect("127.0.0.1", server.LocalEndPoint.Port);
        Console.WriteLine(client.ReadLine());             // Welcome.
        client.WriteLine("Michael");
        Console.WriteLine(client.ReadLine());             // hello, Michael.
        client.WriteLine("exit");
        server.Stop(TimeSpan.FromSeconds(5));             // closes live connections, joins threads
    }

    public static void ReadmeUdp()
    {
        // snippet: README.md#udp
        using var server = new UdpEndpoint();             // 127.0.0.1, ephemeral port
        using var loop = server.StartReceiveLoop((endpoint, datagram, remote, truncated) =>
            endpoint.SendTo(Encoding.UTF8.GetBytes($"Hello, {Encoding.UTF8.GetString(datagram)}."), remote));

        using var client = new UdpEndpoint(new UdpEndpointOptions { ReceiveTimeout = TimeSpan.FromSeconds(5) });
        var buffer = new byte[1024];
        client.SendTo("Michael"u8, server.LocalEndPoint);
        var reply = client.Receive(buffer);               // reply.Truncated tells if the buffer was too small
        Console.WriteLine(Encoding.UTF8.GetString(buffer, 0, reply.Length));   // Hello, Michael.
    }

    // ---------------------------------------------------------------- docs/getting-started.md

    public static void GettingStartedTcp()
    {
        // snippet: docs/getting-started.md#tcp
        // The tutorial's tcplink(): greet, then answer "hello, NAME." until "exit".
        using var server = new TcpServer((connection, stopping) =>
        {
            Console.WriteLine($"accept new connection from {connection.RemoteEndPoint}...");
            connection.WriteLine("Welcome.");
            while (connection.ReadLine(maxLength: 1024) is { } name && name != "exit")
            {
                connection.WriteLine($"hello, {name}.");
            }
        });
        server.Start();                                   // 127.0.0.1 on an ephemeral port
        Console.WriteLine($"Waiting for connection on {server.LocalEndPoint}...");

        using var client = TcpConnection.Connect("127.0.0.1", server.LocalEndPoint.Port);
        Console.WriteLine(client.ReadLine());             // Welcome.
        foreach (var name in new[] { "Michael", "Tracy", "Sarah" })
        {
            client.WriteLine(name);
            Console.WriteLine(client.ReadLine());         // hello, Michael.
        }
        client.WriteLine("exit");
    }

    public static void GettingStartedUdp()
    {
        // snippet: docs/getting-started.md#udp
        using var server = new UdpEndpoint();             // 127.0.0.1 on an ephemeral port
        using var loop = server.StartReceiveLoop((endpoint, datagram, remote, truncated) =>
        {
            Console.WriteLine($"Received from {remote}.");
            endpoint.SendTo(Encoding.UTF8.GetBytes($"Hello, {Encoding.UTF8.GetString(datagram)}."), remote);
        });

        using var client = new UdpEndpoint(new UdpEndpointOptions { ReceiveTimeout = TimeSpan.FromSeconds(5) });
        var buffer = new byte[1024];
        foreach (var name in new[] { "Michael", "Tracy", "Sarah" })
        {
            client.SendTo(Encoding.UTF8.GetBytes(name), server.LocalEndPoint);
            var reply = client.Receive(buffer);           // reply.Truncated: the datagram was bigger than the buffer
            Console.WriteLine(Encoding.UTF8.GetString(buffer, 0, reply.Length));   // Hello, Michael.
        }
    }

    /// <summary>Needs a real SMTP server and SMTP_PASSWORD: compiled, never called by the tests.</summary>
    public static void GettingStartedMail()
    {
        // snippet: docs/getting-started.md#mail
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("发件人", "me@example.com"));   // non-ASCII names are encoded for you
        message.To.Add(new MailboxAddress("收件人", "you@example.com"));
        message.Subject = "标题";
        message.Body = new TextPart("plain") { Text = "hello, send by NetComm..." };

        var options = new SmtpClientOptions
        {
            Host = "smtp.example.com",
            Port = 587,                                   // submission: STARTTLS required (TlsMode.Auto)
            Transcript = Console.Out,                     // like server.set_debuglevel(1); passwords show as ********
        };
        var password = Environment.GetEnvironmentVariable("SMTP_PASSWORD")
            ?? throw new InvalidOperationException("Set SMTP_PASSWORD.");

        using var client = new SmtpClient(options);
        client.Connect();                                 // greeting, EHLO, STARTTLS, EHLO again
        client.Authenticate(new MailCredentials("me@example.com", password));
        SmtpSendResult result = client.Send(message);
        Console.WriteLine($"accepted: {result.FinalReply} (queue id {result.QueueId})");
        client.Disconnect();                              // QUIT
    }

    // ---------------------------------------------------------------- docs/transport.md

    public static TcpServerOptions TransportServerOptions(ILoggerFactory loggerFactory)
    {
        // snippet: docs/transport.md#server-options
        var options = new TcpServerOptions
        {
            EndPoint = new IPEndPoint(IPAddress.IPv6Any, 0),      // default: 127.0.0.1; port 0: ephemeral
            DualMode = true,                                      // IPv4 clients on the IPv6 socket too
            Backlog = 512,                                        // kernel queue of connections not yet accepted
            MaxConnections = 1_000,                               // served at once; more are refused
            NoDelay = true,                                       // the default: no Nagle delay on small replies
            KeepAlive = true,                                     // TCP keep-alive probes (off by default)
            ReceiveBufferSize = 256 * 1024,                       // kernel buffers; null (default) = OS default
            SendBufferSize = 256 * 1024,
            ConnectionBufferSize = 16 * 1024,                     // each connection's read buffer (the default)
            ReceiveTimeout = TimeSpan.FromMinutes(1),             // one read may wait this long (default: forever)
            SendTimeout = TimeSpan.FromSeconds(30),               // one write may take this long (default: forever)
            IdleTimeout = TimeSpan.FromMinutes(5),                // no bytes either way for this long: closed
            LineTimeout = TimeSpan.FromSeconds(30),               // a line, once begun, must end within this (the default)
            MinReceiveRate = new MinDataRate(240, TimeSpan.FromSeconds(5)),   // ReadExactly's slowest pace (the default)
            RefusalLine = "BUSY try again later",                 // said to a refused client (default: reset)
            ThreadStackSize = 256 * 1024,                         // the default
            ThreadKeepAlive = TimeSpan.FromSeconds(30),           // how long a parked thread waits for a client
            Logger = loggerFactory.CreateLogger("echo"),
            Name = "echo",                                        // in thread names and log lines
        };
        return options;
    }

    public static long TransportMaxConnections()
    {
        // snippet: docs/transport.md#max-connections
        using var server = new TcpServer((connection, stopping) =>
        {
            connection.WriteLine("Welcome.");
            stopping.WaitHandle.WaitOne();                // hold the connection until the server stops
        }, new TcpServerOptions { MaxConnections = 1, RefusalLine = "BUSY try again later" });
        server.Start();
        var port = server.LocalEndPoint.Port;

        using var first = TcpConnection.Connect("127.0.0.1", port);
        Console.WriteLine(first.ReadLine());              // Welcome.

        using var second = TcpConnection.Connect("127.0.0.1", port);
        Console.WriteLine(second.ReadLine());             // BUSY try again later
        Console.WriteLine(second.ReadLine() ?? "(closed)");   // (closed)

        Console.WriteLine(server.Counters.Refused);       // 1
        return server.Counters.Refused;
    }

    public static bool TransportStop()
    {
        // snippet: docs/transport.md#stop
        using var server = new TcpServer((connection, stopping) =>
        {
            while (!stopping.IsCancellationRequested && connection.ReadLine() is { } line)
            {
                connection.WriteLine(line);
            }
        });
        server.Start();

        using var client = TcpConnection.Connect("127.0.0.1", server.LocalEndPoint.Port);
        client.WriteLine("ping");
        Console.WriteLine(client.ReadLine());             // ping

        bool drained = server.Stop(TimeSpan.FromSeconds(5));
        Console.WriteLine($"all handlers returned: {drained}; {server.Counters}");
        return drained;
    }

    public static EndPoint? TransportConnect(ITcpServer server)
    {
        // snippet: docs/transport.md#connect
        // "localhost" may resolve to ::1 and 127.0.0.1; the server listens on 127.0.0.1 only.
        // Connect moves on to the next address when one refuses.
        using var client = TcpConnection.Connect("localhost", server.LocalEndPoint.Port, new TcpClientOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),    // for all addresses together
        });
        Console.WriteLine(client.RemoteEndPoint);         // 127.0.0.1:<port>
        return client.RemoteEndPoint;
    }

    public static byte[] TransportReadFramed(ITcpConnection connection)
    {
        // snippet: docs/transport.md#read-framed
        // A header line with the body's size, then exactly that many bytes.
        var header = connection.ReadLine(maxLength: 32)
            ?? throw new EndOfStreamException("The peer closed the connection before the header.");
        var length = int.Parse(header, System.Globalization.CultureInfo.InvariantCulture);
        if (length is < 0 or > 1_000_000)
        {
            throw new InvalidDataException($"A body of {length} bytes is not acceptable.");
        }

        var body = new byte[length];
        connection.ReadExactly(body);                     // EndOfStreamException if the peer stops short
        return body;
    }

    public static async Task TransportTimeoutsAsync(int port)
    {
        // snippet: docs/transport.md#timeouts
        using var client = await TcpConnection.ConnectAsync("127.0.0.1", port, new TcpClientOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReadTimeout = TimeSpan.FromSeconds(1),        // each read: TimeoutException if nothing comes
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var line = await client.ReadLineAsync(cancellationToken: cts.Token);
            Console.WriteLine(line ?? "(the server closed the connection)");
        }
        catch (TimeoutException e)
        {
            Console.WriteLine($"our deadline: {e.Message}");   // the server said nothing for a second
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.WriteLine("the caller gave up");            // your token, not a timeout
        }
    }

    public static void TransportHalfClose()
    {
        // snippet: docs/transport.md#half-close
        using var server = new TcpServer((connection, stopping) =>
        {
            var count = 0;
            while (connection.ReadLine() is not null)     // null: the client half-closed
            {
                count++;
            }

            connection.WriteLine($"{count} names");       // we can still answer
        });
        server.Start();

        using var client = TcpConnection.Connect("127.0.0.1", server.LocalEndPoint.Port);
        client.WriteLine("Michael");
        client.WriteLine("Tracy");
        client.ShutdownSend();
        Console.WriteLine(client.ReadLine());             // 2 names
    }

    public static bool TransportTls(X509Certificate2 certificate)
    {
        // snippet: docs/transport.md#tls
        // certificate: an X509Certificate2 with its private key, issued to "localhost"
        using var server = new TcpServer((connection, stopping) =>
        {
            if (connection.ReadLine() != "STARTTLS")
            {
                return;
            }

            connection.WriteLine("220 go ahead");
            connection.UpgradeToTlsAsServer(new TlsServerOptions(certificate));
            connection.WriteLine($"hello over {connection.TlsProtocol}");
        });
        server.Start();

        using var client = TcpConnection.Connect("127.0.0.1", server.LocalEndPoint.Port);
        client.WriteLine("STARTTLS");
        if (client.ReadLine() == "220 go ahead")
        {
            // A self-signed test certificate: trust exactly this one; the name is still checked.
            client.UpgradeToTls(new TlsClientOptions { TrustedRoots = { certificate } }, targetHost: "localhost");
        }

        Console.WriteLine(client.ReadLine());             // hello over Tls13
        return client.IsTls;
    }

    public static void TransportInjection(TcpConnection client)
    {
        // snippet: docs/transport.md#injection
        client.WriteLine("STARTTLS");
        var goAhead = client.ReadLine();                  // "220 go ahead", but more bytes came with it
        try
        {
            client.UpgradeToTls(new TlsClientOptions(), targetHost: "localhost");
        }
        catch (TlsUpgradeException e) when (e.PendingBytes > 0)
        {
            Console.WriteLine($"refused: {e.PendingBytes} plaintext bytes were waiting");
            client.Dispose();                             // the connection cannot be trusted
        }
    }

    public static UdpReceiveResult TransportUdpTruncation()
    {
        // snippet: docs/transport.md#udp-truncation
        using var receiver = new UdpEndpoint(new UdpEndpointOptions { ReceiveTimeout = TimeSpan.FromSeconds(5) });
        using var sender = new UdpEndpoint();
        sender.SendTo(new byte[100], receiver.LocalEndPoint);

        var small = new byte[10];
        var result = receiver.Receive(small);
        Console.WriteLine($"{result.Length} bytes from {result.RemoteEndPoint}, truncated: {result.Truncated}");   // 10 bytes ..., truncated: True
        return result;
    }

    public static void TransportUdpConnected(IUdpEndpoint server)
    {
        // snippet: docs/transport.md#udp-connected
        using var client = new UdpEndpoint(new UdpEndpointOptions
        {
            RemoteEndPoint = server.LocalEndPoint,
            ReceiveTimeout = TimeSpan.FromSeconds(5),
        });
        client.Send("ping"u8);
        var buffer = new byte[UdpEndpoint.MaxDatagramSize];
        var reply = client.Receive(buffer);
        Console.WriteLine(Encoding.UTF8.GetString(buffer, 0, reply.Length));
    }

    /// <summary>Broadcasts on the machine's networks: compiled, never called by the tests.</summary>
    public static void TransportUdpBroadcast(int announcePort)
    {
        // snippet: docs/transport.md#udp-broadcast
        using var announcer = new UdpEndpoint(new UdpEndpointOptions
        {
            LocalEndPoint = new IPEndPoint(IPAddress.Any, 0),
            EnableBroadcast = true,
        });
        announcer.SendTo("hello, anyone?"u8, new IPEndPoint(IPAddress.Broadcast, announcePort));
    }

    public static void TransportUdpReceiveLoop()
    {
        // snippet: docs/transport.md#udp-receive-loop
        using var server = new UdpEndpoint();
        using var loop = server.StartReceiveLoop((endpoint, datagram, remote, truncated) =>
        {
            if (truncated)
            {
                return;                                   // a partial request: better no answer than a wrong one
            }

            endpoint.SendTo(datagram, remote);            // echo
        }, bufferSize: 1500);

        using var client = new UdpEndpoint(new UdpEndpointOptions { ReceiveTimeout = TimeSpan.FromSeconds(5) });
        client.SendTo("echo me"u8, server.LocalEndPoint);
        var reply = client.Receive(new byte[1500]);
        Console.WriteLine($"{reply.Length} bytes back; loop handled {loop.Received}, failed {loop.FailedHandlers}");
        Console.WriteLine($"stopped in time: {loop.Stop(TimeSpan.FromSeconds(1))}");
    }

    // ---------------------------------------------------------------- docs/smtp.md

    /// <summary>Needs SMTP_PASSWORD: compiled, never called by the tests.</summary>
    public static (SmtpClientOptions Options, MailCredentials Credentials) SmtpOptions()
    {
        // snippet: docs/smtp.md#options
        var options = new SmtpClientOptions
        {
            Host = "smtp.office365.com",
            Port = 587,                                   // TlsMode.Auto: STARTTLS, required
        };
        var credentials = new MailCredentials(
            "aurelius@example.com",
            Environment.GetEnvironmentVariable("SMTP_PASSWORD") ?? throw new InvalidOperationException("Set SMTP_PASSWORD."));
        return (options, credentials);
    }

    public static async Task<SmtpSendResult> SmtpSendAsync(SmtpClientOptions options, MailCredentials credentials, MimeMessage message, CancellationToken cancellationToken)
    {
        // snippet: docs/smtp.md#send
        await using var client = new SmtpClient(options);
        await client.ConnectAsync(cancellationToken);     // greeting, EHLO, STARTTLS, EHLO again
        await client.AuthenticateAsync(credentials, cancellationToken);
        SmtpSendResult result = await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(cancellationToken);  // QUIT
        Console.WriteLine($"{result.FinalReply} (queue id {result.QueueId}, TLS: {result.UsedTls})");
        return result;
    }

    public static async Task<SmtpSendResult[]> SmtpSenderAsync(SmtpClientOptions options, MailCredentials credentials, IReadOnlyList<MimeMessage> messages, CancellationToken cancellationToken)
    {
        // snippet: docs/smtp.md#sender
        await using var sender = new SmtpSender(new SmtpSenderOptions
        {
            Client = options,                 // the same SmtpClientOptions: server, TLS mode, certificate policy, timeouts, logging
            Credentials = credentials,        // each session logs in once
            MaxSessions = 4,
            MaxMessagesPerSession = 100,      // below the server's per-connection limit
        });

        // Any number of threads or tasks may call it at once.
        var results = await Task.WhenAll(messages.Select(m => sender.SendAsync(m, cancellationToken)));
        Console.WriteLine($"{results.Length} messages sent; {sender.SessionsOpen} session(s) open");
        return results;
    }

    public static MimeMessage SmtpPlain()
    {
        // snippet: docs/smtp.md#plain
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("发件人", "aurelius@example.com"));
        message.To.Add(new MailboxAddress("收件人", "friend@example.com"));   // more: message.To.Add(...) again
        message.Subject = "标题";
        message.Body = new TextPart("plain") { Text = "hello, send by NetComm..." };
        return message;
    }

    public static void SmtpHtml(MimeMessage message)
    {
        // snippet: docs/smtp.md#html
        var builder = new BodyBuilder
        {
            HtmlBody = "<html><body><h1>Hello</h1><p>send by <a href=\"https://dot.net\">.NET</a>...</p></body></html>",
        };
        message.Body = builder.ToMessageBody();           // text/html; charset=utf-8
    }

    public static void SmtpAlternative(MimeMessage message)
    {
        // snippet: docs/smtp.md#alternative
        var builder = new BodyBuilder
        {
            TextBody = "hello, send by NetComm...",
            HtmlBody = "<html><body><h1>Hello</h1><p>send by NetComm...</p></body></html>",
        };
        message.Body = builder.ToMessageBody();           // multipart/alternative: text/plain, then text/html
    }

    public static void SmtpAttachment(MimeMessage message, string imagePath)
    {
        // snippet: docs/smtp.md#attachment
        var builder = new BodyBuilder { TextBody = "send with file..." };
        builder.Attachments.Add(imagePath);               // type from the extension, base64, Content-Disposition: attachment
        message.Body = builder.ToMessageBody();           // multipart/mixed
    }

    public static MimeEntity SmtpInlineImage(MimeMessage message, string imagePath)
    {
        // snippet: docs/smtp.md#inline-image
        var builder = new BodyBuilder { TextBody = "hello, send by NetComm..." };
        var image = builder.LinkedResources.Add(imagePath);       // inline, base64
        image.ContentId = MimeUtils.GenerateMessageId();          // unique, as RFC 2392 asks (the tutorial uses "0")
        builder.HtmlBody = $"<html><body><h1>Hello</h1><p><img src=\"cid:{image.ContentId}\"></p></body></html>";
        message.Body = builder.ToMessageBody();                   // alternative: text/plain, related(text/html, image)
        return image;
    }

    public static void SmtpTranscript(SmtpClientOptions options)
    {
        // snippet: docs/smtp.md#transcript
        options.Transcript = Console.Out;                 // C: and S: lines, like server.set_debuglevel(1)
        options.TranscriptIncludesContent = false;        // the default: the message shows as its size
    }

    public static SmtpClientOptions[] SmtpTlsModes()
    {
        // snippet: docs/smtp.md#tls-modes
        var submission = new SmtpClientOptions { Host = "smtp.example.com", Port = 587 };   // STARTTLS required
        var smtps = new SmtpClientOptions { Host = "smtp.example.com", Port = 465 };        // implicit TLS
        var relay = new SmtpClientOptions
        {
            Host = "mx.example.net",
            Port = 25,
            TlsMode = TlsMode.StartTlsWhenAvailable,      // server-to-server: opportunistic TLS, knowingly
        };
        var lab = new SmtpClientOptions
        {
            Host = "127.0.0.1",
            Port = 2525,
            TlsMode = TlsMode.None,
            AllowPlaintextAuthentication = true,          // only on a network you trust
        };
        return [submission, smtps, relay, lab];
    }

    public static SmtpClientOptions SmtpPins()
    {
        // snippet: docs/smtp.md#pins
        var options = new SmtpClientOptions
        {
            Host = "mail.internal.example",
            Port = 587,
            Tls =
            {
                Pins = { "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" },   // the server's key
                Revocation = RevocationCheck.SoftFail,
            },
        };
        return options;
    }

    /// <summary>Needs corp-root.pem: compiled, never called by the tests.</summary>
    public static void SmtpPrivateCa(SmtpClientOptions options)
    {
        // snippet: docs/smtp.md#private-ca
        options.Tls.AddTrustedRootsFromPemFile("corp-root.pem");
        options.Tls.TargetHost = "mail.internal.example";  // connecting by IP: the name the certificate must carry
    }

    public static MailCredentials SmtpAuthentication(SmtpClientOptions options, string accessToken)
    {
        // snippet: docs/smtp.md#authentication
        options.AuthenticationMechanism = "LOGIN";        // exactly this one; it must be offered
        var oauth = MailCredentials.FromAccessToken("aurelius@example.com", accessToken);   // XOAUTH2
        return oauth;
    }

    public static SmtpEnvelope SmtpEnvelopeFromHeaders(MimeMessage message)
    {
        // snippet: docs/smtp.md#envelope-from-headers
        message.Cc.Add(new MailboxAddress("Friend again", "FRIEND@example.com"));   // same mailbox as To
        message.Bcc.Add(new MailboxAddress("Audit", "audit@example.com"));          // receives it, unseen
        var envelope = SmtpEnvelope.FromMessage(message);
        Console.WriteLine(envelope.Sender);                                          // aurelius@example.com
        Console.WriteLine(string.Join(", ", envelope.Recipients.Select(r => r.Address)));   // friend@example.com, audit@example.com
        return envelope;
    }

    public static SmtpSendResult SmtpExplicitEnvelope(ISmtpClient client, MimeMessage message)
    {
        // snippet: docs/smtp.md#explicit-envelope
        var envelope = new SmtpEnvelope("bounces@example.com",
        [
            new SmtpRecipient("friend@example.com") { Notify = DsnNotify.Failure | DsnNotify.Delay },
            new SmtpRecipient("audit@example.com") { Notify = DsnNotify.Never },
        ])
        {
            EnvelopeId = "order-4711",                    // ENVID, echoed in the DSN
            Return = DsnReturn.Headers,                   // RET=HDRS: bounces carry the headers only
            RequireTls = true,                            // every relay must use TLS, or bounce
        };
        var result = client.Send(message, envelope);
        return result;
    }

    public static SmtpSendResult SmtpRaw(ISmtpClient client, string emlPath)
    {
        // snippet: docs/smtp.md#raw
        using var eml = File.OpenRead(emlPath);
        var result = client.SendRaw(eml, new SmtpEnvelope("aurelius@example.com", "friend@example.com"));
        return result;
    }

    public static SmtpSendResult SmtpPartialDelivery(SmtpClientOptions options, MailCredentials credentials, MimeMessage message)
    {
        // snippet: docs/smtp.md#partial-delivery
        options.PartialDelivery = PartialDeliveryPolicy.SendToAccepted;
        using var client = new SmtpClient(options);
        client.Connect();
        client.Authenticate(credentials);
        var result = client.Send(message);
        foreach (var refused in result.Rejected)
        {
            Console.WriteLine($"{refused.Address}: {refused.Reply}");   // bob@example.com: 550 5.1.1 No such user
        }
        client.Disconnect();
        return result;
    }

    public static Task<SmtpSendResult> SmtpRetries(SmtpClientOptions smtpOptions, MailCredentials mailCredentials, MimeMessage mimeMessage, CancellationToken token)
    {
        // snippet: docs/smtp.md#retries
        async Task<SmtpSendResult> SendWithRetriesAsync(SmtpClientOptions options, MailCredentials credentials, MimeMessage message, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var client = new SmtpClient(options);
                try
                {
                    await client.ConnectAsync(cancellationToken);
                    await client.AuthenticateAsync(credentials, cancellationToken);
                    return await client.SendAsync(message, cancellationToken);   // disposing closes the connection
                }
                catch (SmtpCommandException e) when (e.IsTransient && attempt < 5)
                {
                    // 4xx: nothing was accepted; try again later.
                }
                catch (MailProtocolException e) when (e is not (MailSecurityException or SmtpDeliveryUnknownException) && attempt < 5)
                {
                    // The connection broke before the end of the message: not delivered.
                }
                catch (TimeoutException) when (attempt < 5)
                {
                    // A deadline passed before the end of the message: not delivered.
                }

                await Task.Delay(TimeSpan.FromSeconds(30) * attempt, cancellationToken);
            }
        }
        return SendWithRetriesAsync(smtpOptions, mailCredentials, mimeMessage, token);
    }

    public static SmtpClientOptions SmtpObservability(ILoggerFactory loggerFactory, TextWriter transcript)
    {
        // snippet: docs/smtp.md#observability
        var options = new SmtpClientOptions
        {
            Host = "smtp.example.com",
            Port = 587,
            Logger = loggerFactory.CreateLogger<SmtpClient>(),   // events 2000-2012
            Transcript = transcript,                             // C:/S: lines, secrets as ********
        };
        return options;
    }

    // ---------------------------------------------------------------- docs/from-python.md

    public static void FromPythonPrintInfo(MimeMessage message)
    {
        // snippet: docs/from-python.md#print-info
        static void PrintInfo(MimeMessage message)
        {
            Console.WriteLine($"From: {message.From}");   // names already decoded
            Console.WriteLine($"To: {message.To}");
            Console.WriteLine($"Subject: {message.Subject}");
            if (message.Body is not null)
            {
                PrintPart(message.Body, 0);
            }
        }

        static void PrintPart(MimeEntity entity, int indent)
        {
            var pad = new string(' ', indent * 2);
            switch (entity)
            {
                case Multipart multipart:
                    for (var n = 0; n < multipart.Count; n++)
                    {
                        Console.WriteLine($"{pad}part {n}");
                        Console.WriteLine($"{pad}--------------------");
                        PrintPart(multipart[n], indent + 1);
                    }

                    break;
                case TextPart text:
                    Console.WriteLine($"{pad}Text: {text.Text}...");      // decoded with the part's charset
                    break;
                default:
                    Console.WriteLine($"{pad}Attachment: {entity.ContentType.MimeType}");
                    break;
            }
        }
        PrintInfo(message);
    }

    public static MessageOutline FromPythonOutline(MimeMessage message)
    {
        // snippet: docs/from-python.md#outline
        var outline = MessageOutline.Create(message);
        Console.WriteLine(outline);                       // From, To, Subject, then the tree of parts
        return outline;
    }
}
