using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;

namespace NetComm.InteropTests.Smtp;

/// <summary>
/// The rows of docs/smtp.md "Errors and retries" that a real server can produce, each proven against Postfix: the
/// exception, the properties the row names, and the session afterwards. Rows proven elsewhere against Postfix:
/// wrong password (<see cref="PostfixInteropTests.The_strongest_mechanism_is_chosen_by_default_and_a_wrong_password_fails_once"/>),
/// no TLS for a password (<see cref="PostfixInteropTests.No_tls_mode_on_the_plain_port_needs_an_explicit_plaintext_opt_in"/>),
/// a certificate refused (<see cref="PostfixInteropTests.An_untrusted_ca_and_a_wrong_name_are_named_in_the_error"/>),
/// the wrong TLS mode and the greeting timeout (<see cref="PostfixInteropTests.Mode_mix_ups_against_real_ports_are_diagnosed_or_time_out_with_a_hint"/>),
/// MessageTooLarge (<see cref="PostfixInteropTests.Size_limit_refusals_and_recipient_refusals_keep_the_session_usable"/>).
/// </summary>
[TestFixture]
public class PostfixErrorTableTests : SmtpInteropBase
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(10);

    private static string Sender => $"sender@{Domain}";

    private static SmtpClientOptions Bounded(string portName, TlsMode mode, Action<SmtpClientOptions>? configure = null)
    {
        var options = Options(portName, mode);
        options.ConnectTimeout = Short;
        options.GreetingTimeout = Short;
        options.CommandTimeout = Short;
        options.DataTimeout = Short;
        configure?.Invoke(options);
        return options;
    }

    private static async Task<SmtpClient> LoggedInAsync(Action<SmtpClientOptions>? configure = null)
    {
        var client = new SmtpClient(Bounded("SMTP_SUBMISSION", TlsMode.StartTlsRequired, configure));
        await client.ConnectAsync();
        await client.AuthenticateAsync(Alice);
        return client;
    }

    /// <summary>"usable": the state is what it was, and a message still goes through on the same connection.</summary>
    private static async Task AssertUsableAsync(SmtpClient client, MailSessionState state)
    {
        Assert.That(client.State, Is.EqualTo(state));
        Assert.That(client.IsConnected, Is.True);
        var result = await client.SendAsync(TutorialMessage($"alice@{Domain}"));
        Assert.That(result.QueueId, Is.Not.Null.And.Not.Empty);
    }

    /// <summary>"closed": the connection is gone, and every call but Connect or Disconnect says to connect again.</summary>
    private static void AssertClosed(SmtpClient client)
    {
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.That(client.IsConnected, Is.False);
        Assert.That(() => client.Noop(), Throws.InvalidOperationException.With.Message.Contains("call Connect again"));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Test]
    public async Task ArgumentException_a_caller_mistake_is_found_before_any_io_and_the_session_is_untouched()
    {
        var transcript = new StringWriter();
        await using var client = new SmtpClient(Bounded("SMTP_SUBMISSION", TlsMode.StartTlsRequired, o => o.Transcript = transcript));
        await client.ConnectAsync();
        var before = transcript.ToString();

        Assert.CatchAsync<ArgumentException>(() => client.SendAsync(null!));
        Assert.Throws<ArgumentException>(() => _ = new SmtpEnvelope(Sender, $"two words@{Domain}"));
        Assert.CatchAsync<ArgumentException>(() => client.SendAsync(TutorialMessage($"alice@{Domain}"), new SmtpEnvelope(Sender, Array.Empty<string>())));
        Assert.CatchAsync<ArgumentException>(() => client.AuthenticateAsync(new MailCredentials(Alice.UserName, "pass\r\nQUIT")));

        Assert.That(transcript.ToString(), Is.EqualTo(before), "not a byte was sent");
        Assert.That(client.State, Is.EqualTo(MailSessionState.Secured));
        await client.AuthenticateAsync(Alice);
        await AssertUsableAsync(client, MailSessionState.Authenticated);
    }

    [Test]
    public async Task InvalidOperationException_a_call_in_the_wrong_state_and_the_session_is_untouched()
    {
        var transcript = new StringWriter();
        await using var client = new SmtpClient(Bounded("SMTP_SUBMISSION", TlsMode.StartTlsRequired, o => o.Transcript = transcript));
        Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(TutorialMessage($"alice@{Domain}")));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Disconnected));

        await client.ConnectAsync();
        var before = transcript.ToString();
        Assert.ThrowsAsync<InvalidOperationException>(() => client.ConnectAsync());
        var noFrom = TutorialMessage($"alice@{Domain}");
        noFrom.From.Clear();
        Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(noFrom));
        Assert.That(transcript.ToString(), Is.EqualTo(before), "not a byte was sent");
        Assert.That(client.State, Is.EqualTo(MailSessionState.Secured));

        await client.AuthenticateAsync(Alice);
        before = transcript.ToString();
        Assert.ThrowsAsync<InvalidOperationException>(() => client.AuthenticateAsync(Alice));
        Assert.That(transcript.ToString(), Is.EqualTo(before), "not a byte was sent");
        await AssertUsableAsync(client, MailSessionState.Authenticated);
    }

    [Test]
    public async Task SmtpCommandException_SenderRejected_resets_the_transaction_and_the_session_stays_usable([Values] bool pipelining)
    {
        await using var client = await LoggedInAsync(o => o.UsePipelining = pipelining);
        var envelope = new SmtpEnvelope($"a,b@{Domain}", $"alice@{Domain}");

        var error = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(TutorialMessage($"alice@{Domain}"), envelope));

        Assert.That(error!.ErrorCode, Is.EqualTo(SmtpErrorCode.SenderRejected));
        Assert.That(error.StatusCode, Is.EqualTo(501));
        Assert.That(error.EnhancedStatusCode, Is.EqualTo(new EnhancedStatusCode(5, 1, 7)));
        Assert.That(error.Reply, Is.Not.Null);
        Assert.That(error.Mailbox, Is.EqualTo($"a,b@{Domain}"));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.EndsSession, Is.False);
        await AssertUsableAsync(client, MailSessionState.Authenticated);
    }

    [Test]
    public async Task SmtpCommandException_RecipientRejected_lists_every_recipient_and_the_session_stays_usable([Values] bool pipelining)
    {
        await using var client = await LoggedInAsync(o => o.UsePipelining = pipelining);
        var envelope = new SmtpEnvelope(Sender, $"alice@{Domain}", $"no/such@{Domain}");

        var error = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(TutorialMessage($"alice@{Domain}"), envelope));

        Assert.That(error!.ErrorCode, Is.EqualTo(SmtpErrorCode.RecipientRejected));
        Assert.That(error.StatusCode, Is.EqualTo(550));
        Assert.That(error.EnhancedStatusCode, Is.EqualTo(new EnhancedStatusCode(5, 1, 1)));
        Assert.That(error.Mailbox, Is.EqualTo($"no/such@{Domain}"));
        Assert.That(error.Recipients.Select(r => (r.Address, r.Accepted)), Is.EqualTo(new[] { ($"alice@{Domain}", true), ($"no/such@{Domain}", false) }));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.EndsSession, Is.False);
        await AssertUsableAsync(client, MailSessionState.Authenticated);
    }

    [Test]
    public async Task SmtpCommandException_IsTransient_for_a_4xx_refusal_and_the_session_stays_usable()
    {
        // Postfix takes at most smtpd_recipient_limit (1000) recipients per message and says 452 4.5.3 to the next.
        await using var client = new SmtpClient(Bounded("SMTP_PLAIN", TlsMode.None));
        await client.ConnectAsync();
        var recipients = Enumerable.Range(1, 1001).Select(i => $"r{i}@{Domain}").ToArray();

        var error = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(TutorialMessage($"alice@{Domain}"), new SmtpEnvelope(Sender, recipients)));

        Assert.That(error!.ErrorCode, Is.EqualTo(SmtpErrorCode.RecipientRejected));
        Assert.That(error.StatusCode, Is.EqualTo(452));
        Assert.That(error.EnhancedStatusCode, Is.EqualTo(new EnhancedStatusCode(4, 5, 3)));
        Assert.That(error.IsTransient, Is.True);
        Assert.That(error.EndsSession, Is.False);
        Assert.That(error.Mailbox, Is.EqualTo($"r1001@{Domain}"));
        Assert.That(error.Recipients.Count(r => r.Accepted), Is.EqualTo(1000));
        await AssertUsableAsync(client, MailSessionState.Connected);
    }

    [Test]
    public async Task SmtpCommandException_MessageRejected_by_the_server_after_the_content_and_the_session_stays_usable([Values] bool chunking)
    {
        await using var client = await LoggedInAsync(o => o.UseChunking = chunking);
        Assert.That(client.Capabilities.MaxMessageSize, Is.EqualTo(30_000_000));

        // A raw stream that cannot be read twice cannot be measured first: no SIZE is declared, the whole content goes
        // out, and Postfix finds it over message_size_limit itself.
        var error = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendRawAsync(new OneWayStream(LargeRawMessage(31_000_000)), new SmtpEnvelope(Sender, $"alice@{Domain}")));

        Assert.That(error!.ErrorCode, Is.EqualTo(SmtpErrorCode.MessageRejected));
        Assert.That(error.StatusCode, Is.EqualTo(552));
        Assert.That(error.EnhancedStatusCode, Is.EqualTo(new EnhancedStatusCode(5, 3, 4)));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.EndsSession, Is.False);
        await AssertUsableAsync(client, MailSessionState.Authenticated);
    }

    [Test]
    public async Task SmtpCommandException_ExtensionRequired_is_refused_by_the_client_before_sending_and_the_session_stays_usable()
    {
        var transcript = new StringWriter();
        await using var client = await LoggedInAsync(o => o.Transcript = transcript);
        var before = transcript.ToString();

        // Postfix offers neither REQUIRETLS nor BINARYMIME.
        var requireTls = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(TutorialMessage($"alice@{Domain}"), new SmtpEnvelope(Sender, $"alice@{Domain}") { RequireTls = true }));
        var longLine = Encoding.ASCII.GetBytes($"From: {Sender}\r\nTo: alice@{Domain}\r\nSubject: long line\r\n\r\n{new string('x', 1200)}\r\n");
        var binary = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendRawAsync(new MemoryStream(longLine), new SmtpEnvelope(Sender, $"alice@{Domain}")));

        foreach (var error in new[] { requireTls!, binary! })
        {
            Assert.That(error.ErrorCode, Is.EqualTo(SmtpErrorCode.ExtensionRequired));
            Assert.That(error.Reply, Is.Null);
            Assert.That(error.StatusCode, Is.Null);
            Assert.That(error.IsTransient, Is.False);
            Assert.That(error.EndsSession, Is.False);
        }

        Assert.That(transcript.ToString(), Is.EqualTo(before), "not a byte was sent");
        await AssertUsableAsync(client, MailSessionState.Authenticated);
    }

    [Test]
    public async Task SmtpCommandException_ServiceNotAvailable_a_421_closes_the_session([Values] bool pipelining)
    {
        // Postfix counts refused commands; at smtpd_hard_error_limit (20) it says 421 4.7.0 and hangs up, whatever
        // the client sends next (here the RSET after a refused recipient, or a pipelined RCPT or DATA).
        await using var client = new SmtpClient(Bounded("SMTP_PLAIN", TlsMode.None, o => o.UsePipelining = pipelining));
        await client.ConnectAsync();
        var refused = new SmtpEnvelope(Sender, $"no/such@{Domain}");
        SmtpCommandException? error = null;
        for (var attempt = 1; attempt <= 25 && error is not { EndsSession: true }; attempt++)
        {
            error = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(TutorialMessage($"alice@{Domain}"), refused));
            if (!error!.EndsSession)
            {
                Assert.That(error.ErrorCode, Is.EqualTo(SmtpErrorCode.RecipientRejected), $"attempt {attempt}");
                Assert.That(client.State, Is.EqualTo(MailSessionState.Connected), $"attempt {attempt}");
            }
        }

        Assert.That(error!.EndsSession, Is.True);
        Assert.That(error.ErrorCode, Is.EqualTo(SmtpErrorCode.ServiceNotAvailable));
        Assert.That(error.StatusCode, Is.EqualTo(421));
        Assert.That(error.EnhancedStatusCode, Is.EqualTo(new EnhancedStatusCode(4, 7, 0)));
        Assert.That(error.IsTransient, Is.True);
        Assert.That(error.ServerReply, Does.Contain("too many errors"));
        AssertClosed(client);

        await client.ConnectAsync();
        await AssertUsableAsync(client, MailSessionState.Connected);
    }

    [Test]
    public async Task MailAuthenticationException_no_mechanism_fits_and_the_session_stays_usable_not_logged_in()
    {
        var options = Bounded("SMTP_SUBMISSION", TlsMode.StartTlsRequired, o => o.AuthenticationMechanism = "GSSAPI");
        await using var client = new SmtpClient(options);
        await client.ConnectAsync();

        var error = Assert.ThrowsAsync<MailAuthenticationException>(() => client.AuthenticateAsync(Alice));

        Assert.That(error!.MechanismsAfterTls, Does.Contain("PLAIN").And.Not.Contain("GSSAPI"));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.EndsSession, Is.False);
        Assert.That(client.IsAuthenticated, Is.False);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Secured));
        await client.NoopAsync();
        var notLoggedIn = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(TutorialMessage($"alice@{Domain}")));
        Assert.That(notLoggedIn!.StatusCode, Is.EqualTo(554), "submission still wants AUTH");

        options.AuthenticationMechanism = null;
        await client.AuthenticateAsync(Alice);
        await AssertUsableAsync(client, MailSessionState.Authenticated);
    }

    [Test]
    public void MailProtocolException_could_not_connect_and_the_session_is_closed()
    {
        var port = ClosedPort();
        using var client = new SmtpClient(Bounded("SMTP_PLAIN", TlsMode.None, o => o.Port = port));

        var error = Assert.Throws<MailProtocolException>(() => client.Connect());

        Assert.That(error!.Message, Does.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        AssertClosed(client);
    }

    [Test]
    public void MailProtocolException_a_reply_over_its_budget_closes_the_session()
    {
        // Postfix's EHLO reply has a dozen lines.
        using var client = new SmtpClient(Bounded("SMTP_SUBMISSION", TlsMode.StartTlsRequired, o => o.MaxReplyLines = 3));

        Assert.Throws<MailProtocolException>(() => client.Connect());

        AssertClosed(client);
    }

    [Test]
    public void MailSecurityException_starttls_not_offered_closes_the_session_and_nothing_secret_is_sent()
    {
        var transcript = new StringWriter();
        using var client = new SmtpClient(Bounded("SMTP_PLAIN", TlsMode.StartTlsRequired, o => o.Transcript = transcript));

        var error = Assert.Throws<MailSecurityException>(() => client.Connect());

        Assert.That(error!.Message, Does.Contain("STARTTLS"));
        Assert.That(transcript.ToString(), Does.Not.Contain("C: AUTH").And.Not.Contain("C: MAIL"));
        AssertClosed(client);
    }

    [Test]
    public async Task OperationCanceledException_untouched_before_any_io_closed_once_the_conversation_started()
    {
        await using var client = await LoggedInAsync();
        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync();
            Assert.CatchAsync<OperationCanceledException>(() => client.NoopAsync(cancelled.Token));
            Assert.CatchAsync<OperationCanceledException>(() => client.SendAsync(TutorialMessage($"alice@{Domain}"), cancelled.Token));
        }

        await AssertUsableAsync(client, MailSessionState.Authenticated);

        // Cancelled while the content is on its way: the conversation is out of step, so the connection is closed.
        using var midway = new CancellationTokenSource();
        var large = TutorialMessage($"alice@{Domain}");
        large.Body = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(new MemoryStream(new byte[5_000_000])),
            ContentTransferEncoding = ContentEncoding.Base64,
        };
        var progress = new InlineProgress(p =>
        {
            if (p.BytesTransferred > 0)
            {
                midway.Cancel();
            }
        });

        Assert.CatchAsync<OperationCanceledException>(() => client.SendAsync(large, progress, midway.Token));

        AssertClosed(client);
    }

    private static byte[] LargeRawMessage(int size)
    {
        var text = new StringBuilder($"From: {Sender}\r\nTo: alice@{Domain}\r\nSubject: over the size limit\r\n\r\n", size + 100);
        var line = new string('x', 76) + "\r\n";
        while (text.Length < size)
        {
            text.Append(line);
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private sealed class InlineProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }

    /// <summary>Content that can be read once, front to back, like a network stream.</summary>
    private sealed class OneWayStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => _inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
