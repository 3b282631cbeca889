using System.Text;
using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Tests.Support;
using static NetComm.Tests.Smtp.SmtpScript;

namespace NetComm.Tests.Smtp;

/// <summary>The SMTP engine over scripted server transcripts, in both I/O modes and every chunking.</summary>
[TestFixture]
public class SmtpClientScriptTests
{
    [Test]
    public async Task Pipelines_mail_rcpt_and_data_in_one_write_and_reports_the_queue_id([Values] ChunkMode mode, [Values] bool async)
    {
        var server = Greeted(mode)
            .Client("MAIL FROM:<sender@example.test> SIZE=").Client("RCPT TO:<alice@example.test>").Client("DATA")
            .Server("250 2.1.0 Ok").Server("250 2.1.5 Ok").Server("354 End data with <CR><LF>.<CR><LF>")
            .ClientData()
            .Server("250 2.0.0 Ok: queued as 4FqX9T1abc")
            .Client("QUIT").Server("221 2.0.0 Bye");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        Assert.That(client.Capabilities.Supports(SmtpExtensions.Pipelining | SmtpExtensions.EightBitMime), Is.True);
        Assert.That(client.Capabilities.MaxMessageSize, Is.EqualTo(1_000_000));

        var result = await SendAsync(client, Message(), async);
        if (async)
        {
            await client.DisconnectAsync();
        }
        else
        {
            client.Disconnect();
        }

        Assert.That(result.QueueId, Is.EqualTo("4FqX9T1abc"));
        Assert.That(result.UsedPipelining, Is.True);
        Assert.That(result.Recipients.Single().Accepted, Is.True);
        Assert.That(result.Recipients.Single().Reply.EnhancedStatusCode, Is.EqualTo(new EnhancedStatusCode(2, 1, 5)));
        var batch = server.ClientBytes.ToArray();
        Assert.That(server.WriteSizes, Has.Some.EqualTo(Encoding.ASCII.GetByteCount(string.Join("\r\n", server.ClientLines.Skip(1).Take(3)) + "\r\n")), "MAIL, RCPT and DATA in one write");
        Assert.That(server.Finished, Is.True);
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task Bcc_is_in_the_envelope_but_never_transmitted_and_duplicates_are_removed([Values] bool async)
    {
        var message = Message();
        message.Cc.Add(new MailboxAddress("Alice again", "ALICE@example.test"));
        message.Bcc.Add(new MailboxAddress("Hidden", "hidden@example.test"));
        var before = message.ToString();
        string? data = null;
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250 PIPELINING")
            .Client("MAIL FROM:<sender@example.test>").Client("RCPT TO:<alice@example.test>").Client("RCPT TO:<hidden@example.test>")
            .Server("250 ok").Server("250 ok").Server("250 ok")
            .Client("DATA").Server("354 go")
            .ClientData(d => data = d)
            .Server("250 ok");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var result = await SendAsync(client, message, async);

        Assert.That(result.Recipients.Select(r => r.Address), Is.EqualTo(new[] { "alice@example.test", "hidden@example.test" }));
        Assert.That(data, Does.Not.Contain("hidden@example.test").And.Not.Contain("Bcc:"));
        Assert.That(message.ToString(), Is.EqualTo(before), "the caller's message is not modified");
        Assert.That(message.Bcc, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Resent_headers_take_precedence_for_the_envelope([Values] bool async)
    {
        var message = Message();
        message.ResentFrom.Add(new MailboxAddress("Forwarder", "fwd@example.test"));
        message.ResentTo.Add(new MailboxAddress("Bob", "bob@example.test"));
        var envelope = SmtpEnvelope.FromMessage(message);
        Assert.That(envelope.Sender, Is.EqualTo("fwd@example.test"));
        Assert.That(envelope.Recipients.Select(r => r.Address), Is.EqualTo(new[] { "bob@example.test" }));
        await Task.CompletedTask;
    }

    [Test]
    public async Task Content_cannot_end_data_early_and_no_bare_cr_or_lf_reaches_the_wire([Values] ChunkMode mode, [Values] bool async)
    {
        // The SMTP smuggling family: each of these must arrive as content, never as an end of DATA.
        var body = "line1\n.\nline2\r\n.\r\nline3\r.\rline4\n.\r\nline5\r\n.\nlast\r\n..\r\n.";
        string? data = null;
        var server = Greeted(mode, "250-mail.example.test\n250 8BITMIME")
            .Client("MAIL FROM:").Server("250 ok")
            .Client("RCPT TO:").Server("250 ok")
            .Client("DATA").Server("354 go")
            .ClientData(d => data = d)
            .Server("250 ok");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var message = Message();
        message.Body = new TextPart("plain") { Text = body, ContentTransferEncoding = ContentEncoding.SevenBit };
        await SendAsync(client, message, async);

        Assert.That(data, Is.Not.Null);
        var content = data![..^5];
        Assert.That(content, Does.Not.Contain("\r\n.\r\n"), "no early terminator");
        Assert.That(content.Replace("\r\n", "", StringComparison.Ordinal), Does.Not.Contain("\r").And.Not.Contain("\n"), "no bare CR or LF");
        Assert.That(data, Does.EndWith("\r\n.\r\n"));
        Assert.That(data, Does.Contain("\r\n..\r\nline2").And.Contain("\r\n...\r\n"));
    }

    [Test]
    public async Task Refusal_of_one_recipient_aborts_the_transaction_by_default_and_the_session_stays_usable([Values] bool async)
    {
        var message = Message();
        message.To.Add(new MailboxAddress("Nobody", "nobody@example.test"));
        var server = Greeted(ChunkMode.Whole)
            .Client("MAIL FROM:").Client("RCPT TO:<alice@").Client("RCPT TO:<nobody@")
            .Server("250 ok").Server("250 ok").Server("550 5.1.1 <nobody@example.test>: Recipient address rejected")
            .Client("RSET").Server("250 ok")
            .Client("NOOP").Server("250 ok");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var error = async
            ? Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message))
            : Assert.Throws<SmtpCommandException>(() => client.Send(message));
        Assert.That(error!.ErrorCode, Is.EqualTo(SmtpErrorCode.RecipientRejected));
        Assert.That(error.Mailbox, Is.EqualTo("nobody@example.test"));
        Assert.That(error.StatusCode, Is.EqualTo(550));
        Assert.That(error.EnhancedStatusCode, Is.EqualTo(new EnhancedStatusCode(5, 1, 1)));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.Recipients.Count(r => r.Accepted), Is.EqualTo(1));
        Assert.That(server.ClientLines, Does.Not.Contain("DATA"));
        Assert.That(client.IsConnected, Is.True);
        client.Noop();
    }

    [Test]
    public async Task SendToAccepted_delivers_to_the_rest_and_reports_the_refused([Values] bool async)
    {
        var message = Message();
        message.To.Add(new MailboxAddress("Nobody", "nobody@example.test"));
        var options = PlainOptions();
        options.PartialDelivery = PartialDeliveryPolicy.SendToAccepted;
        var server = Greeted(ChunkMode.Random)
            .Client("MAIL FROM:").Client("RCPT TO:<alice@").Client("RCPT TO:<nobody@").Client("DATA")
            .Server("250 ok").Server("250 ok").Server("450 4.2.1 Mailbox busy").Server("354 go")
            .ClientData().Server("250 ok queued as ABC");
        using var client = new SmtpClient(options, server);
        await ConnectAsync(client, async);
        var result = await SendAsync(client, message, async);
        Assert.That(result.Rejected.Single().Address, Is.EqualTo("nobody@example.test"));
        Assert.That(result.Rejected.Single().Reply.IsTransient, Is.True);
        Assert.That(result.QueueId, Is.EqualTo("ABC"));
    }

    [Test]
    public async Task Sender_refused_is_a_typed_error_and_the_transaction_is_reset([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole)
            .Client("MAIL FROM:").Client("RCPT TO:").Client("DATA")
            .Server("553 5.7.1 Sender address rejected").Server("503 5.5.1 need MAIL").Server("503 5.5.1 need RCPT")
            .Client("RSET").Server("250 ok");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var error = Assert.CatchAsync<SmtpCommandException>(() => SendAsync(client, Message(), async));
        Assert.That(error!.ErrorCode, Is.EqualTo(SmtpErrorCode.SenderRejected));
        Assert.That(error.Mailbox, Is.EqualTo("sender@example.test"));
        Assert.That(server.Finished, Is.True);
    }

    [Test]
    public async Task A_message_over_the_size_limit_is_refused_before_anything_is_sent([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250 SIZE 100");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var error = Assert.CatchAsync<SmtpCommandException>(() => SendAsync(client, Message(new string('x', 500)), async));
        Assert.That(error!.ErrorCode, Is.EqualTo(SmtpErrorCode.MessageTooLarge));
        Assert.That(server.ClientLines, Has.Count.EqualTo(1), "only EHLO went out");
    }

    [Test]
    public async Task Content_a_seven_bit_server_cannot_take_is_encoded_for_the_wire_and_the_message_is_restored([Values] bool async)
    {
        string? data = null;
        var (client, server) = await SevenBitPipeliningClientAsync(d => data = d, async);
        using var _ = client;
        var message = Message();
        var text = new TextPart("plain") { Text = "Grüße " + new string('a', 2000), ContentTransferEncoding = ContentEncoding.EightBit };
        message.Body = text;
        var before = message.ToString();
        await SendAsync(client, message, async);
        Assert.That(server.ClientLines[1], Does.Not.Contain("BODY="), "nothing 8-bit is left to announce");
        Assert.That(data!.Split("\r\n").Max(l => l.Length), Is.LessThanOrEqualTo(998));
        Assert.That(data.All(c => c < 128), Is.True);
        Assert.That(text.ContentTransferEncoding, Is.EqualTo(ContentEncoding.EightBit), "the caller's message is as it was");
        Assert.That(message.ToString(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_message_that_can_go_as_built_is_sent_as_MimeKit_writes_it_and_never_touched([Values] bool async)
    {
        string? data = null;
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250 8BITMIME")
            .Client("MAIL FROM:<sender@example.test>").Server("250 ok")
            .Client("RCPT TO:").Server("250 ok").Client("DATA").Server("354 go").ClientData(d => data = d).Server("250 ok");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var message = Message();
        var body = new BodyBuilder { TextBody = "plain words", HtmlBody = "<p>html words</p>" };
        message.Body = body.ToMessageBody();
        var before = message.ToString();

        await SendAsync(client, message, async);

        Assert.That(server.Finished, Is.True);
        Assert.That(data, Does.Not.Contain("Content-Transfer-Encoding"), "no encoding was chosen for parts that needed none");
        Assert.That(message.BodyParts.OfType<MimePart>().Select(p => p.ContentTransferEncoding), Is.All.EqualTo(ContentEncoding.Default));
        Assert.That(message.ToString(), Is.EqualTo(before));
    }

    [Test]
    public async Task Unlabelled_eight_bit_content_is_labelled_for_the_wire_and_the_message_is_restored([Values] bool async)
    {
        string? data = null;
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250 8BITMIME")
            .Client("MAIL FROM:<sender@example.test> BODY=8BITMIME").Server("250 ok")
            .Client("RCPT TO:").Server("250 ok").Client("DATA").Server("354 go").ClientData(d => data = d).Server("250 ok");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var message = Message();
        var text = new TextPart("plain") { Text = "Grüße aus München" };
        message.Body = text;
        var before = message.ToString();

        await SendAsync(client, message, async);

        Assert.That(data, Does.Contain("Content-Transfer-Encoding: 8bit"), "RFC 2045: unlabelled content is 7bit");
        Assert.That(text.ContentTransferEncoding, Is.EqualTo(ContentEncoding.Default));
        Assert.That(message.ToString(), Is.EqualTo(before));
    }

    [Test]
    public async Task Parts_of_an_attached_message_are_fitted_for_the_wire_and_restored_too([Values] bool async)
    {
        string? data = null;
        using var client = (await SevenBitPipeliningClientAsync(d => data = d, async)).Client;
        var inner = Message();
        var innerText = new TextPart("plain") { Text = "Grüße " + new string('a', 2000) };
        inner.Body = innerText;
        var message = Message();
        message.Body = new Multipart("mixed") { new TextPart("plain") { Text = "see attached" }, new MessagePart { Message = inner } };
        var before = message.ToString();

        await SendAsync(client, message, async);

        Assert.That(data!.Split("\r\n").Max(l => l.Length), Is.LessThanOrEqualTo(998));
        Assert.That(data.All(c => c < 128), Is.True);
        Assert.That(innerText.ContentTransferEncoding, Is.EqualTo(ContentEncoding.Default));
        Assert.That(message.ToString(), Is.EqualTo(before));
    }

    /// <summary>A connected client whose server offers PIPELINING but not 8BITMIME and accepts one message, handing its data to <paramref name="data"/>.</summary>
    private static async Task<(SmtpClient Client, ScriptedServerStream Server)> SevenBitPipeliningClientAsync(Action<string> data, bool async)
    {
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250 PIPELINING")
            .Client("MAIL FROM:<sender@example.test>").Client("RCPT TO:").Client("DATA")
            .Server("250 ok").Server("250 ok").Server("354 go").ClientData(data).Server("250 ok");
        var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        return (client, server);
    }

    [Test]
    public async Task Raw_content_that_needs_an_extension_is_refused_before_sending([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250 PIPELINING");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var envelope = new SmtpEnvelope("sender@example.test", "alice@example.test");
        var eightBit = new MemoryStream(Encoding.UTF8.GetBytes("Subject: x\r\n\r\nGrüße\r\n"));
        var error = Assert.CatchAsync<SmtpCommandException>(() => async ? client.SendRawAsync(eightBit, envelope) : Task.FromResult(client.SendRaw(eightBit, envelope)));
        Assert.That(error!.ErrorCode, Is.EqualTo(SmtpErrorCode.ExtensionRequired));
        Assert.That(error.Message, Does.Contain("8BITMIME"));

        var longLine = new MemoryStream(Encoding.ASCII.GetBytes("Subject: x\r\n\r\n" + new string('a', 2000) + "\r\n"));
        error = Assert.CatchAsync<SmtpCommandException>(() => async ? client.SendRawAsync(longLine, envelope) : Task.FromResult(client.SendRaw(longLine, envelope)));
        Assert.That(error!.Message, Does.Contain("998"));
        Assert.That(server.ClientLines, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Eight_bit_content_is_announced_with_BODY_8BITMIME([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250 8BITMIME")
            .Client("MAIL FROM:<sender@example.test> BODY=8BITMIME").Server("250 ok")
            .Client("RCPT TO:").Server("250 ok").Client("DATA").Server("354 go").ClientData().Server("250 ok");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var message = Message();
        message.Body = new TextPart("plain") { Text = "Grüße", ContentTransferEncoding = ContentEncoding.EightBit };
        await SendAsync(client, message, async);
        Assert.That(server.Finished, Is.True);
    }

    [Test]
    public async Task Chunking_sends_bdat_with_exact_content([Values] bool async)
    {
        string? chunk = null;
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250-PIPELINING\n250 CHUNKING");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var message = Message();
        var expected = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, expected);

        // The envelope is pipelined; the content follows once it is accepted, command and chunk in one write.
        server.Client("MAIL FROM:").Client("RCPT TO:").Server("250 ok").Server("250 ok")
            .Client($"BDAT {expected.Length} LAST").Server("250 2.0.0 queued as Z9");
        var result = await SendAsync(client, message, async);
        Assert.That(server.WriteSizes, Has.Count.EqualTo(3), "EHLO, the envelope, the chunk");
        chunk = Encoding.UTF8.GetString(server.ClientBytes.ToArray());
        Assert.That(result.UsedChunking, Is.True);
        Assert.That(chunk, Does.EndWith(Encoding.UTF8.GetString(expected.ToArray())));
        Assert.That(result.QueueId, Is.EqualTo("Z9"));
    }

    [Test]
    public async Task Helo_is_the_fallback_when_ehlo_is_unknown([Values] bool async)
    {
        var server = new ScriptedServerStream(ChunkMode.PerByte)
            .Server("220 old.example.test SMTP").Client("EHLO client.example.test").Server("502 Command not implemented")
            .Client("HELO client.example.test").Server("250 old.example.test");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        Assert.That(client.Capabilities.Extensions, Is.EqualTo(SmtpExtensions.None));
    }

    [Test]
    public void A_greeting_other_than_220_ends_the_session([Values] bool async)
    {
        var server = new ScriptedServerStream(ChunkMode.Whole).Server("554 5.3.2 No SMTP service here");
        using var client = new SmtpClient(PlainOptions(), server);

        var error = Assert.CatchAsync<SmtpCommandException>(() => ConnectAsync(client, async));

        Assert.That(error!.ErrorCode, Is.EqualTo(SmtpErrorCode.ServiceNotAvailable));
        Assert.That(error.StatusCode, Is.EqualTo(554));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.EndsSession, Is.True);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public void Ehlo_and_helo_both_refused_end_the_session([Values] bool async)
    {
        var server = new ScriptedServerStream(ChunkMode.Whole)
            .Server("220 old.example.test SMTP").Client("EHLO client.example.test").Server("502 5.5.1 Command not implemented")
            .Client("HELO client.example.test").Server("550 5.7.1 Go away");
        using var client = new SmtpClient(PlainOptions(), server);

        var error = Assert.CatchAsync<SmtpCommandException>(() => ConnectAsync(client, async));

        Assert.That(error!.ErrorCode, Is.EqualTo(SmtpErrorCode.CommandRejected));
        Assert.That(error.StatusCode, Is.EqualTo(550));
        Assert.That(error.EndsSession, Is.True);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public void Mismatched_codes_non_digit_codes_and_endless_replies_are_protocol_errors([Values] bool async)
    {
        foreach (var bad in new[] { "250-first\n251 second", "2x0 junk", "250*star", "hello" })
        {
            var server = new ScriptedServerStream(ChunkMode.Whole).Server("220 ok").Client("EHLO").Server(bad);
            using var client = new SmtpClient(PlainOptions(), server);
            Assert.ThrowsAsync<MailProtocolException>(() => ConnectAsync(client, async), bad);
            Assert.That(client.IsConnected, Is.False);
        }

        var endless = new ScriptedServerStream(ChunkMode.Whole).Server("220 ok").Client("EHLO")
            .Server(string.Concat(Enumerable.Repeat("250-more\n", 500)) + "250 end");
        using var endlessClient = new SmtpClient(PlainOptions(), endless);
        Assert.ThrowsAsync<MailProtocolException>(() => ConnectAsync(endlessClient, async));
    }

    [Test]
    public async Task Starttls_required_but_not_offered_fails_before_anything_secret_is_sent([Values] bool async)
    {
        var options = PlainOptions();
        options.TlsMode = TlsMode.StartTlsRequired;
        var server = Greeted(ChunkMode.Whole, "250-mail.example.test\n250 AUTH PLAIN");
        using var client = new SmtpClient(options, server);
        var error = Assert.CatchAsync<MailSecurityException>(() => ConnectAsync(client, async));
        Assert.That(error!.Message, Does.Contain("STARTTLS"));
        Assert.That(server.ClientLines, Is.EqualTo(new[] { "EHLO client.example.test" }));
        await Task.CompletedTask;
    }

    [Test]
    public async Task Opportunistic_starttls_goes_on_without_tls_and_says_so([Values] bool async)
    {
        var options = PlainOptions();
        options.TlsMode = TlsMode.StartTlsWhenAvailable;
        var transcript = new StringWriter();
        options.Transcript = transcript;
        var server = Greeted(ChunkMode.Whole, "250 mail.example.test");
        using var client = new SmtpClient(options, server);
        await ConnectAsync(client, async);
        Assert.That(client.IsTls, Is.False);
        Assert.That(transcript.ToString(), Does.Contain("WITHOUT TLS"));
    }

    [Test]
    public async Task Auth_plain_is_redacted_in_the_transcript_and_a_535_stops_at_once([Values] bool async)
    {
        var transcript = new StringWriter();
        var server = Greeted(ChunkMode.Whole)
            .Client("AUTH CRAM-MD5").Server("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+")
            .Client("dGlt").Server("535 5.7.8 Authentication credentials invalid");
        using var client = new SmtpClient(PlainOptions(transcript), server);
        await ConnectAsync(client, async);
        var credentials = new MailCredentials("tim", "tanstaaftanstaaf");
        var error = async
            ? Assert.ThrowsAsync<MailAuthenticationException>(() => client.AuthenticateAsync(credentials))
            : Assert.Throws<MailAuthenticationException>(() => client.Authenticate(credentials));
        Assert.That(error!.Mechanism, Is.EqualTo("CRAM-MD5"));
        Assert.That(error.StatusCode, Is.EqualTo(535));
        Assert.That(server.Finished, Is.True, "no second mechanism was tried with the same password");
        Assert.That(transcript.ToString(), Does.Contain("C: ********").And.Not.Contain("tanstaaf"));
        Assert.That(Encoding.ASCII.GetString(Convert.FromBase64String(server.ClientLines[^1])), Is.EqualTo("tim b913a602c7eda7a495b4e6e7334d3890"), "RFC 2195's example digest");
    }

    [Test]
    public async Task Plaintext_authentication_is_refused_unless_allowed([Values] bool async)
    {
        var options = PlainOptions();
        options.AllowPlaintextAuthentication = false;
        var server = Greeted(ChunkMode.Whole);
        using var client = new SmtpClient(options, server);
        await ConnectAsync(client, async);
        var error = Assert.CatchAsync<MailAuthenticationException>(() => async ? client.AuthenticateAsync(new MailCredentials("u", "p")) : Task.Run(() => client.Authenticate(new MailCredentials("u", "p"))));
        Assert.That(error!.Message, Does.Contain("without TLS"));
        Assert.That(server.ClientLines, Has.Count.EqualTo(1));
        Assert.That(error.MechanismsBeforeTls, Does.Contain("PLAIN"));
    }

    [Test]
    public async Task Connection_lost_after_the_final_dot_is_reported_as_unknown_delivery([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole)
            .Client("MAIL FROM:").Client("RCPT TO:").Client("DATA")
            .Server("250 ok").Server("250 ok").Server("354 go")
            .ClientData().Hangup();
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        Assert.CatchAsync<SmtpDeliveryUnknownException>(() => SendAsync(client, Message(), async));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task Dsn_parameters_go_on_mail_and_rcpt([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole)
            .Client("MAIL FROM:<sender@example.test> SIZE=").Client("RCPT TO:<alice@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice+2Bx@example.test").Client("DATA")
            .Server("250 ok").Server("250 ok").Server("354 go").ClientData().Server("250 ok");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        var envelope = new SmtpEnvelope("sender@example.test", [new SmtpRecipient("alice@example.test") { Notify = DsnNotify.Success | DsnNotify.Failure, OriginalRecipient = "alice+x@example.test" }])
        {
            EnvelopeId = "id 1",
            Return = DsnReturn.Headers,
        };
        var result = async ? await client.SendAsync(Message(), envelope) : client.Send(Message(), envelope);
        Assert.That(server.ClientLines[1], Does.Contain("RET=HDRS").And.Contain("ENVID=id+201"));
        Assert.That(result.Recipients, Has.Count.EqualTo(1));
    }

    [Test]
    public void Addresses_that_could_inject_commands_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Protocol_MailFrom("evil@example.test>\r\nRCPT TO:<victim@example.test"));
        Assert.Throws<ArgumentException>(() => Protocol_MailFrom("a b@example.test"));
        Assert.That(Protocol_MailFrom(""), Is.EqualTo("MAIL FROM:<>"), "the null reverse path of bounces");
    }

    [Test]
    public void Ehlo_names_are_valid_by_construction()
    {
        var options = new SmtpClientOptions { LocalDomain = "[192.0.2.1]" };
        options.LocalDomain = "[IPv6:2001:db8::1]";
        options.LocalDomain = "mail.example.test";
        Assert.Throws<ArgumentException>(() => options.LocalDomain = "not a name");
        Assert.Throws<ArgumentException>(() => options.LocalDomain = "[999.1.1.1]");
        Assert.Throws<ArgumentException>(() => options.LocalDomain = "-bad-.example");
    }

    [Test]
    public async Task Caller_mistakes_are_reported_without_costing_the_session([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole).Client("NOOP").Server("250 ok");
        using var client = new SmtpClient(PlainOptions(), server);
        await ConnectAsync(client, async);
        Assert.Throws<InvalidOperationException>(() => client.Connect());
        Assert.ThrowsAsync<InvalidOperationException>(() => client.ConnectAsync());
        Assert.Throws<ArgumentException>(() => _ = new SmtpEnvelope("sender@example.test", "bad address@example.test"));
        Assert.That(client.IsConnected, Is.True);
        client.Noop();
    }

    private static string Protocol_MailFrom(string sender)
        => NetComm.Smtp.Protocol.SmtpCommands.MailFrom(new SmtpEnvelope(sender, "x@example.test"), null, null, false, false);
}
