using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Smtp;

/// <summary>Real sockets, real TLS, servers that misbehave: each case ends in its documented exception within the timeout.</summary>
[TestFixture]
public class SmtpHostileServerTests
{
    private static readonly TimeSpan s_short = TimeSpan.FromSeconds(1);

    private static SmtpClientOptions Options(ITcpServer server, TlsMode mode, TimeSpan? commandTimeout = null) => new()
    {
        Host = "localhost",
        Port = server.LocalEndPoint.Port,
        TlsMode = mode,
        LocalDomain = "client.example.test",
        CommandTimeout = commandTimeout ?? Timeouts.Wait,
        GreetingTimeout = commandTimeout ?? Timeouts.Wait,
        ConnectTimeout = Timeouts.Wait,
        Tls = new TlsClientOptions { TrustedRoots = { TestCertificates.Localhost } },
    };

    private static TcpServer Serve(Action<ITcpConnection> script, Action<TcpServerOptions>? configure = null)
        => LoopbackServer.Start((c, s) =>
        {
            try
            {
                script(c);
            }
            catch (Exception e) when (e is TransportException or TimeoutException or IOException)
            {
                // The client hung up on the misbehaving server, as it should.
            }
        }, configure);

    /// <summary>Reads client lines, recording them, until one starts with <paramref name="prefix"/>.</summary>
    private static string Expect(ITcpConnection c, string prefix, List<string>? log = null)
    {
        while (true)
        {
            var line = c.ReadLine() ?? throw new EndOfStreamException($"client left while we waited for {prefix}");
            log?.Add(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    private static void Greet(ITcpConnection c, string ehlo = "250-localhost\r\n250-STARTTLS\r\n250 AUTH PLAIN")
    {
        c.WriteLine("220 localhost ESMTP");
        Expect(c, "EHLO");
        c.WriteLine(ehlo);
    }

    [Test]
    public async Task Starttls_then_auth_and_send_over_real_tls_with_the_certificate_made_in_the_test([Values] bool async)
    {
        var log = new List<string>();
        using var server = Serve(c =>
        {
            Greet(c);
            Expect(c, "STARTTLS", log);
            c.WriteLine("220 2.0.0 Ready to start TLS");
            c.UpgradeToTlsAsServer(new TlsServerOptions(TestCertificates.Localhost));
            Expect(c, "EHLO", log);
            c.WriteLine("250-localhost\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME");
            Expect(c, "AUTH PLAIN", log);
            c.WriteLine("235 2.7.0 Authentication successful");
            Expect(c, "MAIL FROM", log);
            Expect(c, "RCPT TO", log);
            Expect(c, "DATA", log);
            c.WriteLine("250 ok\r\n250 ok\r\n354 go");
            Expect(c, ".", log);
            c.WriteLine("250 2.0.0 Ok: queued as TLS1");
            Expect(c, "QUIT", log);
            c.WriteLine("221 bye");
        });
        var transcript = new StringWriter();
        var options = Options(server, TlsMode.StartTlsRequired);
        options.Transcript = transcript;
        using var client = new SmtpClient(options);
        var message = SmtpScript.Message();
        SmtpSendResult result;
        if (async)
        {
            await client.ConnectAsync();
            await client.AuthenticateAsync(new MailCredentials("alice", "s3cret-pass"));
            result = await client.SendAsync(message);
            await client.DisconnectAsync();
        }
        else
        {
            client.Connect();
            client.Authenticate(new MailCredentials("alice", "s3cret-pass"));
            result = client.Send(message);
            client.Disconnect();
        }

        Assert.That(result.UsedTls, Is.True);
        Assert.That(result.QueueId, Is.EqualTo("TLS1"));
        Assert.That(transcript.ToString(), Does.Contain("TLS established").And.Contain("AUTH PLAIN ********").And.Not.Contain("s3cret"));
        Assert.That(transcript.ToString(), Does.Contain("<message content:"), "content is summarised, not dumped");
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0s3cret-pass"));
        Assert.That(log.Any(l => l.Contains(plain, StringComparison.Ordinal)), Is.True, "the credentials went over TLS");
    }

    [Test]
    public void Bytes_injected_after_the_starttls_go_ahead_fail_the_connection([Values] bool async)
    {
        var sawAuth = false;
        using var server = Serve(c =>
        {
            Greet(c);
            Expect(c, "STARTTLS");
            c.Write("220 Go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n"u8);
            sawAuth = c.ReadLine()?.StartsWith("AUTH", StringComparison.Ordinal) == true;
        });
        using var client = new SmtpClient(Options(server, TlsMode.StartTlsRequired));
        var error = Assert.CatchAsync<MailSecurityException>(() => async ? client.ConnectAsync() : Task.Run(() => client.Connect()));
        Assert.That(error!.Message, Does.Contain("injection"));
        Assert.That(client.IsConnected, Is.False);
        Assert.That(sawAuth, Is.False);
    }

    [Test]
    public void Starttls_stripped_by_an_attacker_sends_no_credentials()
    {
        var received = new List<string>();
        using var server = Serve(c =>
        {
            Greet(c, "250-localhost\r\n250 AUTH PLAIN LOGIN");
            while (c.ReadLine() is { } line)
            {
                received.Add(line);
            }
        });
        using var client = new SmtpClient(Options(server, TlsMode.StartTlsRequired));
        Assert.Throws<MailSecurityException>(() => client.Connect());
        LoopbackServer.WaitUntil(() => server.Counters.Active == 0, "the server to see the client leave");
        Assert.That(received, Is.Empty);
    }

    [Test]
    public void Implicit_tls_against_a_plaintext_greeting_says_to_use_starttls()
    {
        using var server = Serve(c =>
        {
            c.WriteLine("220 localhost ESMTP plaintext");
            c.ReadLine();
        });
        using var client = new SmtpClient(Options(server, TlsMode.ImplicitTls));
        var error = Assert.Throws<TlsModeMismatchException>(() => client.Connect());
        Assert.That(error!.SuggestedMode, Is.EqualTo(TlsMode.StartTlsRequired));
        Assert.That(error.Message, Does.Contain("220 localhost ESMTP plaintext").And.Contain("587"));
    }

    [Test]
    public void Starttls_against_an_implicit_tls_port_times_out_naming_both_likely_causes()
    {
        // Silence proves nothing (issue 8): it is a timeout whose message names a slow server and an implicit-TLS port.
        using var server = Serve(c => c.UpgradeToTlsAsServer(new TlsServerOptions(TestCertificates.Localhost) { HandshakeTimeout = Timeouts.Wait }));
        using var client = new SmtpClient(Options(server, TlsMode.StartTlsRequired, s_short));
        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<TimeoutException>(() => client.Connect());
        Assert.That(error!.Message, Does.Contain("greeting").And.Contain("slow").And.Contain("TlsMode.ImplicitTls").And.Contain("0 bytes had arrived"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
    }

    [Test]
    public void An_untrusted_certificate_is_refused_by_default_and_accepted_by_pin()
    {
        var other = TestCertificates.Create("localhost");
        void Script(ITcpConnection c)
        {
            Greet(c);
            Expect(c, "STARTTLS");
            c.WriteLine("220 go");
            c.UpgradeToTlsAsServer(new TlsServerOptions(other));
            Expect(c, "EHLO");
            c.WriteLine("250 localhost");
            Expect(c, "QUIT");
            c.WriteLine("221 bye");
        }

        using var server = Serve(Script);
        var strict = Options(server, TlsMode.StartTlsRequired);
        strict.Tls = new TlsClientOptions();
        using (var client = new SmtpClient(strict))
        {
            Assert.Throws<MailSecurityException>(() => client.Connect());
        }

        var pinned = Options(server, TlsMode.StartTlsRequired);
        pinned.Tls = new TlsClientOptions();
        pinned.Tls.Pins.Add("sha256/" + Convert.ToBase64String(SHA256.HashData(other.PublicKey.ExportSubjectPublicKeyInfo())));
        using (var client = new SmtpClient(pinned))
        {
            client.Connect();
            Assert.That(client.IsTls, Is.True);
            client.Disconnect();
        }

        var misnamed = TestCertificates.Create("mail.example.test");
        using var misnamedServer = Serve(c =>
        {
            Greet(c);
            Expect(c, "STARTTLS");
            c.WriteLine("220 go");
            c.UpgradeToTlsAsServer(new TlsServerOptions(misnamed));
        });
        var wrongHost = Options(misnamedServer, TlsMode.StartTlsRequired);
        wrongHost.Tls = new TlsClientOptions();
        wrongHost.Tls.Pins.Add(Convert.ToHexString(SHA256.HashData(misnamed.RawData)));
        using (var client = new SmtpClient(wrongHost))
        {
            Assert.Throws<MailSecurityException>(() => client.Connect(), "a pin proves the key, not the host name");
        }
    }

    [Test]
    public void A_megabyte_long_reply_is_a_protocol_error_not_a_megabyte_buffer()
    {
        using var server = Serve(c =>
        {
            c.Write(Encoding.ASCII.GetBytes("250 " + new string('x', 1024 * 1024) + "\r\n"));
        });
        using var client = new SmtpClient(Options(server, TlsMode.None));
        var error = Assert.Throws<MailProtocolException>(() => client.Connect());
        Assert.That(error!.Message, Does.Contain("longer than"));
    }

    [Test]
    public void An_endless_multiline_reply_is_cut_off()
    {
        using var server = Serve(c =>
        {
            c.WriteLine("220-hello");
            var line = "220-more and more\r\n"u8.ToArray();
            for (var i = 0; i < 100_000; i++)
            {
                c.Write(line);
            }
        });
        using var client = new SmtpClient(Options(server, TlsMode.None));
        Assert.Throws<MailProtocolException>(() => client.Connect());
    }

    [Test]
    public async Task A_server_that_never_answers_times_out_within_the_command_timeout([Values] bool async)
    {
        using var release = new ManualResetEventSlim();
        using var server = Serve(c => release.Wait(Timeouts.Wait));
        using var client = new SmtpClient(Options(server, TlsMode.None, s_short));
        var watch = Stopwatch.StartNew();
        var error = Assert.CatchAsync<Exception>(() => async ? client.ConnectAsync() : Task.Run(() => client.Connect()));
        Assert.That(error, Is.InstanceOf<TimeoutException>().Or.InstanceOf<TlsModeMismatchException>());
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(8)));
        release.Set();
        await Task.CompletedTask;
    }

    [Test]
    public void A_server_dripping_a_byte_at_a_time_cannot_stretch_a_reply_past_the_timeout([Values] bool async)
    {
        using var stop = new CancellationTokenSource();
        using var server = Serve(c =>
        {
            c.WriteLine("220 localhost");
            Expect(c, "EHLO");
            foreach (var b in Encoding.ASCII.GetBytes("250-" + new string('d', 2000)))
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                c.Write([b]);
                stop.Token.WaitHandle.WaitOne(100);
            }
        });
        using var client = new SmtpClient(Options(server, TlsMode.None, s_short));
        var watch = Stopwatch.StartNew();
        Assert.CatchAsync<TimeoutException>(() => async ? client.ConnectAsync() : Task.Run(() => client.Connect()));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        stop.Cancel();
    }

    [Test]
    public void A_disconnect_right_after_the_final_dot_is_unknown_delivery()
    {
        using var server = Serve(c =>
        {
            Greet(c, "250 localhost");
            Expect(c, "MAIL");
            c.WriteLine("250 ok");
            Expect(c, "RCPT");
            c.WriteLine("250 ok");
            Expect(c, "DATA");
            c.WriteLine("354 go");
            Expect(c, ".");
        });
        var options = Options(server, TlsMode.None);
        using var client = new SmtpClient(options);
        client.Connect();
        Assert.Throws<SmtpDeliveryUnknownException>(() => client.Send(SmtpScript.Message()));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public void A_disconnect_in_the_middle_of_data_is_a_protocol_error()
    {
        using var server = Serve(c =>
        {
            Greet(c, "250 localhost");
            Expect(c, "MAIL");
            c.WriteLine("250 ok");
            Expect(c, "RCPT");
            c.WriteLine("250 ok");
            Expect(c, "DATA");
            c.WriteLine("354 go");
            c.ReadLine();
            ((TcpConnection)c).Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        }, o => o.ReceiveBufferSize = 4096);
        using var client = new SmtpClient(Options(server, TlsMode.None));
        client.Connect();
        var big = SmtpScript.Message();
        big.Body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat(new string('z', 70) + "\n", 200_000)) };
        // A protocol error, never a hang or a success. When the kernel had already taken every byte (loopback
        // buffers can hold megabytes), the client cannot tell this from a loss after the final dot and says "unknown".
        var error = Assert.Catch<MailProtocolException>(() => client.Send(big));
        Assert.That(error!.Message, Does.Contain("closed").Or.Contain("failed").Or.Contain("reset"));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public void A_421_mid_transaction_closes_the_session_with_the_servers_text()
    {
        using var server = Serve(c =>
        {
            Greet(c, "250 localhost");
            Expect(c, "MAIL");
            c.WriteLine("421 4.3.2 Service shutting down");
        });
        using var client = new SmtpClient(Options(server, TlsMode.None));
        client.Connect();
        var error = Assert.Throws<SmtpCommandException>(() => client.Send(SmtpScript.Message()));
        Assert.That(error!.ServerReply, Does.Contain("Service shutting down"));
        Assert.That(error.StatusCode, Is.EqualTo(421));
        Assert.That(error.ErrorCode, Is.EqualTo(SmtpErrorCode.ServiceNotAvailable));
        Assert.That(error.IsTransient, Is.True);
        Assert.That(error.EndsSession, Is.True);
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public void A_fifty_megabyte_message_is_sent_with_bounded_memory()
    {
        long received = 0;
        using var server = Serve(c =>
        {
            Greet(c, "250-localhost\r\n250-PIPELINING\r\n250 SIZE 100000000");
            Expect(c, "MAIL");
            Expect(c, "RCPT");
            Expect(c, "DATA");
            c.WriteLine("250 ok\r\n250 ok\r\n354 go");
            var buffer = new byte[64 * 1024];
            var tail = new List<byte>();
            int n;
            while ((n = c.Read(buffer)) > 0)
            {
                received += n;
                tail.AddRange(buffer.AsSpan(Math.Max(0, n - 5), Math.Min(5, n)).ToArray());
                tail.RemoveRange(0, Math.Max(0, tail.Count - 5));
                if (tail.SequenceEqual("\r\n.\r\n"u8.ToArray()))
                {
                    break;
                }
            }

            c.WriteLine("250 ok");
        });
        using var client = new SmtpClient(Options(server, TlsMode.None));
        client.Connect();
        var message = SmtpScript.Message();
        var attachment = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(new RepeatingStream(50L * 1024 * 1024)),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = "big.bin",
        };
        message.Body = new Multipart("mixed") { new TextPart("plain") { Text = "see attachment" }, attachment };
        var before = GC.GetAllocatedBytesForCurrentThread();
        var progress = new List<TransferProgress>();
        var result = client.Send(message, SmtpEnvelope.FromMessage(message), new SyncProgress(progress));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(result.BytesSent, Is.GreaterThan(50L * 1024 * 1024));
        Assert.That(allocated, Is.LessThan(20L * 1024 * 1024), "no whole-message buffer");
        Assert.That(progress, Is.Not.Empty);
        Assert.That(progress[^1].BytesTransferred, Is.EqualTo(result.BytesSent));
        Assert.That(progress[^1].TotalBytes, Is.GreaterThan(50L * 1024 * 1024));
    }

    private sealed class SyncProgress(List<TransferProgress> sink) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => sink.Add(value);
    }

    /// <summary>A large readable stream that allocates nothing per read.</summary>
    private sealed class RepeatingStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => _position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = (byte)((_position + i) % 251);
            }

            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
