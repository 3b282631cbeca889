using System.Text.RegularExpressions;
using System.Text;
using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Transport;

namespace NetComm.InteropTests.Smtp;

/// <summary>NetComm's SMTP client against a real Postfix (STARTTLS, implicit TLS, Dovecot SASL).</summary>
[TestFixture]
public class PostfixInteropTests : SmtpInteropBase
{
    [Test]
    public async Task Tutorial_message_arrives_byte_for_byte([Values] bool async, [Values] bool pipelining, [Values] bool chunking)
    {
        var options = Options("SMTP_SUBMISSION", TlsMode.StartTlsRequired);
        options.UsePipelining = pipelining;
        options.UseChunking = chunking;
        using var client = new SmtpClient(options);
        var message = TutorialMessage($"alice@{Domain}");
        SmtpSendResult result;
        if (async)
        {
            await client.ConnectAsync();
            await client.AuthenticateAsync(Alice);
            result = await client.SendAsync(message);
            await client.DisconnectAsync();
        }
        else
        {
            client.Connect();
            client.Authenticate(Alice);
            result = client.Send(message);
            client.Disconnect();
        }

        Assert.That(result.UsedTls, Is.True);
        Assert.That(result.UsedPipelining, Is.EqualTo(pipelining));
        Assert.That(result.UsedChunking, Is.EqualTo(chunking));
        Assert.That(result.QueueId, Is.Not.Null.And.Not.Empty);
        var delivered = await PostfixDeliveredAsync("alice", result.QueueId!);
        Assert.That(delivered, Is.EqualTo(Lf(Serialized(message))));
    }

    [Test]
    public async Task A_batch_on_one_connection_arrives_byte_for_byte_and_a_refused_recipient_fails_alone([Values] bool async, [Values] bool pipelining)
    {
        var options = Options("SMTP_SUBMISSION", TlsMode.StartTlsRequired);
        options.UsePipelining = pipelining;
        using var client = new SmtpClient(options);
        var messages = Enumerable.Range(0, 8).Select(i =>
        {
            var message = TutorialMessage(i == 3 ? $"no/such@{Domain}" : $"alice@{Domain}");
            message.Subject = $"Batch {i}";
            return message;
        }).ToArray();
        SmtpBatchResult result;
        if (async)
        {
            await client.ConnectAsync();
            await client.AuthenticateAsync(Alice);
            result = await client.SendBatchAsync(messages);
        }
        else
        {
            client.Connect();
            client.Authenticate(Alice);
            result = client.SendBatch(messages);
        }

        Assert.That(result.Items.Select(i => i.Succeeded), Is.EqualTo(Enumerable.Range(0, 8).Select(i => i != 3)));
        var refused = (SmtpCommandException)result.Items[3].Error!;
        Assert.That((refused.ErrorCode, refused.StatusCode, refused.Mailbox), Is.EqualTo((SmtpErrorCode.RecipientRejected, (int?)550, $"no/such@{Domain}")));

        // Postfix offers CHUNKING; a pipelined batch still uses DATA, whose dot can carry the next envelope (in lock-step,
        // BDAT saves the round trip of DATA's 354).
        Assert.That(result.Values.All(v => v.UsedTls && v.UsedPipelining == pipelining && v.UsedChunking == !pipelining), Is.True);
        foreach (var item in result.Items.Where(i => i.Succeeded))
        {
            Assert.That(await PostfixDeliveredAsync("alice", item.Result!.QueueId!), Is.EqualTo(Lf(Serialized(messages[item.Index]))), $"message {item.Index}");
        }

        await client.NoopAsync();
        await client.DisconnectAsync();
    }

    [Test]
    public async Task Every_sasl_mechanism_postfix_offers_after_tls([Values("PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256")] string mechanism)
    {
        var options = Options("SMTP_SUBMISSION", TlsMode.StartTlsRequired);
        options.AuthenticationMechanism = mechanism;
        await using var client = new SmtpClient(options);
        await client.ConnectAsync();
        Assert.That(client.Capabilities.AuthenticationMechanisms, Does.Contain(mechanism));
        await client.AuthenticateAsync(Alice);
        Assert.That(client.IsAuthenticated, Is.True);
        await client.DisconnectAsync();
    }

    [Test]
    public async Task The_strongest_mechanism_is_chosen_by_default_and_a_wrong_password_fails_once()
    {
        var transcript = new StringWriter();
        var options = Options("SMTP_SUBMISSION", TlsMode.StartTlsRequired);
        options.Transcript = transcript;
        await using var client = new SmtpClient(options);
        await client.ConnectAsync();
        var error = Assert.ThrowsAsync<MailAuthenticationException>(() => client.AuthenticateAsync(new MailCredentials(Alice.UserName, "wrong-password")));
        Assert.That(error!.Mechanism, Is.EqualTo("SCRAM-SHA-256"));
        Assert.That(error.StatusCode, Is.EqualTo(535));
        Assert.That(Regex.Count(transcript.ToString(), "C: AUTH "), Is.EqualTo(1), "no second attempt with the same password");
        Assert.That(error.MechanismsBeforeTls, Is.Empty, "Postfix offers AUTH only after TLS here");
        Assert.That(transcript.ToString(), Does.Not.Contain("wrong-password"));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.EndsSession, Is.False);
        Assert.That(client.IsAuthenticated, Is.False, "usable, not logged in");
        Assert.That(client.State, Is.EqualTo(MailSessionState.Secured));
        await client.AuthenticateAsync(Alice);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Authenticated));
    }

    [Test]
    public async Task Implicit_tls_on_the_smtps_port()
    {
        await using var client = new SmtpClient(Options("SMTPS", TlsMode.ImplicitTls));
        await client.ConnectAsync();
        Assert.That(client.IsTls, Is.True);
        Assert.That(client.Capabilities.Supports(SmtpExtensions.StartTls), Is.False);
        await client.AuthenticateAsync(Alice);
        var result = await client.SendAsync(TutorialMessage($"alice@{Domain}"));
        Assert.That(result.UsedTls, Is.True);
        await client.DisconnectAsync();
    }

    [Test]
    public void An_untrusted_ca_and_a_wrong_name_are_named_in_the_error([Values] bool implicitTls)
    {
        var untrusted = Options(implicitTls ? "SMTPS" : "SMTP_SUBMISSION", implicitTls ? TlsMode.ImplicitTls : TlsMode.StartTlsRequired);
        untrusted.Tls = new TlsClientOptions();
        using (var client = new SmtpClient(untrusted))
        {
            var error = Assert.Throws<MailSecurityException>(() => client.Connect());
            Assert.That(error!.Message, Does.Contain("chain is not trusted").And.Contain("issuer \"CN=NetComm Interop Test CA, O=NetComm\"").And.Contain("TrustedRoots"));
            Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
            Assert.That(client.IsConnected, Is.False);
        }

        var misnamed = Options(implicitTls ? "SMTPS" : "SMTP_SUBMISSION", implicitTls ? TlsMode.ImplicitTls : TlsMode.StartTlsRequired);
        misnamed.Tls.TargetHost = "wrong.example.test";
        using (var client = new SmtpClient(misnamed))
        {
            var error = Assert.Throws<MailSecurityException>(() => client.Connect());
            Assert.That(error!.Message, Does.Contain("not issued for \"wrong.example.test\"").And.Not.Contain("chain is not trusted"));
        }
    }

    [Test]
    public void Mode_mix_ups_against_real_ports_are_diagnosed_or_time_out_with_a_hint()
    {
        var implicitOnStartTls = Options("SMTP_SUBMISSION", TlsMode.ImplicitTls);
        using (var client = new SmtpClient(implicitOnStartTls))
        {
            var error = Assert.Throws<TlsModeMismatchException>(() => client.Connect());
            Assert.That(error!.SuggestedMode, Is.EqualTo(TlsMode.StartTlsRequired));
            Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
            Assert.That(client.IsConnected, Is.False);
        }

        var startTlsOnImplicit = Options("SMTPS", TlsMode.StartTlsRequired);
        startTlsOnImplicit.GreetingTimeout = TimeSpan.FromSeconds(2);
        using (var client = new SmtpClient(startTlsOnImplicit))
        {
            // An implicit-TLS port is silent until the client speaks: silence proves nothing, so it is a
            // timeout whose message names the likely cause, not a mode-mismatch verdict.
            var error = Assert.Throws<TimeoutException>(() => client.Connect());
            Assert.That(error!.Message, Does.Contain("greeting").And.Contain("TlsMode.ImplicitTls"));
            Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
            Assert.That(client.IsConnected, Is.False);
        }
    }

    [Test]
    public async Task No_tls_mode_on_the_plain_port_needs_an_explicit_plaintext_opt_in()
    {
        var options = Options("SMTP_PLAIN", TlsMode.None);
        await using var client = new SmtpClient(options);
        await client.ConnectAsync();
        Assert.That(client.IsTls, Is.False);
        Assert.ThrowsAsync<MailAuthenticationException>(() => client.AuthenticateAsync(Alice));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Connected), "usable, not logged in");
        var result = await client.SendAsync(TutorialMessage($"bob@{Domain}"));
        Assert.That(result.UsedTls, Is.False);
        await PostfixDeliveredAsync("bob", result.QueueId!);

        var optIn = Options("SMTP_PLAIN", TlsMode.StartTlsWhenAvailable);
        optIn.AllowPlaintextAuthentication = true;
        await using var second = new SmtpClient(optIn);
        await second.ConnectAsync();
        await second.AuthenticateAsync(Alice);
        Assert.That(second.IsAuthenticated, Is.True);
    }

    [Test]
    public async Task Eight_bit_smtputf8_dsn_and_many_messages_on_one_connection()
    {
        await using var client = new SmtpClient(Options("SMTP_SUBMISSION", TlsMode.StartTlsRequired));
        await client.ConnectAsync();
        await client.AuthenticateAsync(Alice);
        Assert.That(client.Capabilities.Supports(SmtpExtensions.EightBitMime | SmtpExtensions.SmtpUtf8 | SmtpExtensions.Dsn | SmtpExtensions.Chunking), Is.True);

        var eightBit = TutorialMessage($"alice@{Domain}");
        eightBit.Body = new TextPart("plain") { Text = "Grüße aus Köln\n", ContentTransferEncoding = ContentEncoding.EightBit };
        var result = await client.SendAsync(eightBit);
        Assert.That(await PostfixDeliveredAsync("alice", result.QueueId!), Does.Contain("Grüße aus Köln"));

        var utf8 = TutorialMessage($"alice@{Domain}");
        utf8.From.Clear();
        utf8.From.Add(new MailboxAddress("Zoë", $"zoë@{Domain}"));
        result = await client.SendAsync(utf8);
        Assert.That(await PostfixDeliveredAsync("alice", result.QueueId!), Does.Contain($"zoë@{Domain}"));

        var envelope = new SmtpEnvelope($"sender@{Domain}", [new SmtpRecipient($"alice@{Domain}") { Notify = DsnNotify.Failure | DsnNotify.Delay, OriginalRecipient = $"alice@{Domain}" }])
        {
            EnvelopeId = "netcomm-envid-1",
            Return = DsnReturn.Headers,
        };
        result = await client.SendAsync(TutorialMessage($"alice@{Domain}"), envelope);
        Assert.That(result.QueueId, Is.Not.Null);

        for (var i = 0; i < 5; i++)
        {
            await client.NoopAsync();
            await client.SendAsync(TutorialMessage($"alice@{Domain}"));
        }

        await client.DisconnectAsync();
    }

    [Test]
    public async Task Size_limit_refusals_and_recipient_refusals_keep_the_session_usable()
    {
        await using var client = new SmtpClient(Options("SMTP_SUBMISSION", TlsMode.StartTlsRequired));
        await client.ConnectAsync();
        Assert.That(client.Capabilities.MaxMessageSize, Is.EqualTo(30_000_000));

        // Submission needs AUTH before RCPT: Postfix refuses the recipient, the session lives on.
        var refused = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(TutorialMessage($"alice@{Domain}")));
        Assert.That(refused!.ErrorCode, Is.EqualTo(SmtpErrorCode.RecipientRejected));
        Assert.That(refused.StatusCode, Is.EqualTo(554));
        Assert.That(refused.EnhancedStatusCode, Is.EqualTo(new EnhancedStatusCode(5, 7, 1)));
        Assert.That(client.IsConnected, Is.True);

        await client.AuthenticateAsync(Alice);
        var huge = TutorialMessage($"alice@{Domain}");
        huge.Body = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(new MemoryStream(new byte[23_000_000])),
            ContentTransferEncoding = ContentEncoding.Base64,
        };
        var tooLarge = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(huge));
        Assert.That(tooLarge!.ErrorCode, Is.EqualTo(SmtpErrorCode.MessageTooLarge));
        Assert.That(tooLarge.Reply, Is.Null, "the client refused before sending");
        Assert.That(tooLarge.IsTransient, Is.False);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Authenticated));

        var ok = await client.SendAsync(TutorialMessage($"alice@{Domain}"));
        Assert.That(ok.QueueId, Is.Not.Null);
    }

    [Test]
    public async Task A_raw_presigned_message_goes_unchanged()
    {
        var raw = "From: sender@" + Domain + "\r\nTo: alice@" + Domain + "\r\nSubject: raw\r\nDKIM-Signature: v=1; a=rsa-sha256; d=example.test; s=x; b=AAAA\r\n\r\nbody line\r\n.leading dot\r\n";
        await using var client = new SmtpClient(Options("SMTP_SUBMISSION", TlsMode.StartTlsRequired));
        await client.ConnectAsync();
        await client.AuthenticateAsync(Alice);
        var result = await client.SendRawAsync(new MemoryStream(Encoding.ASCII.GetBytes(raw)), new SmtpEnvelope($"sender@{Domain}", $"alice@{Domain}"));
        Assert.That(await PostfixDeliveredAsync("alice", result.QueueId!), Is.EqualTo(Lf(raw)));
    }
}
