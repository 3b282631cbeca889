using System.Text;
using System.Text.Json;
using MimeKit;
using NetComm.InteropTests.Support;
using NetComm.Mail;
using NetComm.Smtp;

namespace NetComm.InteropTests.Smtp;

/// <summary>NetComm's SMTP client against Python's aiosmtpd: a second independent server, no PIPELINING, odd LOGIN prompts.</summary>
[TestFixture]
public class AiosmtpdInteropTests : SmtpInteropBase
{
    private static string Store => InteropEnvironment.Get("AIOSMTPD_DIR");

    private static async Task<(string Eml, JsonDocument Envelope)> LatestAsync(int before)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            var files = Directory.GetFiles(Store, "*.eml").OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (files.Count > before)
            {
                var eml = files[^1];
                var json = Path.ChangeExtension(eml, ".json");
                if (File.Exists(json))
                {
                    return (await File.ReadAllTextAsync(eml), JsonDocument.Parse(await File.ReadAllTextAsync(json)));
                }
            }

            await Task.Delay(50);
        }

        throw new AssertionException("aiosmtpd stored no new message.");
    }

    [Test]
    public async Task Starttls_login_and_exact_bytes_without_pipelining([Values("PLAIN", "LOGIN", "CRAM-MD5")] string mechanism)
    {
        var options = Options("AIOSMTPD", TlsMode.StartTlsRequired);
        options.AuthenticationMechanism = mechanism;
        var before = Directory.GetFiles(Store, "*.eml").Length;
        await using var client = new SmtpClient(options);
        await client.ConnectAsync();
        Assert.That(client.Capabilities.Supports(SmtpExtensions.Pipelining), Is.False);
        await client.AuthenticateAsync(Alice);
        var message = TutorialMessage($"alice@{Domain}");
        var result = await client.SendAsync(message);
        await client.DisconnectAsync();
        Assert.That(result.UsedPipelining, Is.False);
        var (eml, _) = await LatestAsync(before);
        Assert.That(eml, Is.EqualTo(Serialized(message)));
    }

    [Test]
    public async Task A_batch_without_pipelining_goes_one_by_one_with_exact_bytes_and_a_refused_domain_fails_alone([Values] bool async)
    {
        var before = Directory.GetFiles(Store, "*.eml").Length;
        await using var client = new SmtpClient(Options("AIOSMTPD", TlsMode.StartTlsRequired));
        var messages = new[]
        {
            TutorialMessage($"alice@{Domain}"),
            TutorialMessage($"x@{InteropEnvironment.Get("AIOSMTPD_REJECT_DOMAIN")}"),
            TutorialMessage($"bob@{Domain}"),
        };
        SmtpBatchResult result;
        if (async)
        {
            await client.ConnectAsync();
            result = await client.SendBatchAsync(messages);
        }
        else
        {
            client.Connect();
            result = client.SendBatch(messages);
        }

        Assert.That(result.Items.Select(i => i.Succeeded), Is.EqualTo(new[] { true, false, true }));
        Assert.That(((SmtpCommandException)result.Items[1].Error!).StatusCode, Is.EqualTo(550));
        Assert.That(result.Values.All(v => !v.UsedPipelining), Is.True);
        var (eml, envelope) = await LatestAsync(before + 1);
        Assert.That(eml, Is.EqualTo(Serialized(messages[2])));
        Assert.That(envelope.RootElement.ToString(), Does.Contain($"bob@{Domain}"));
        Assert.That(Directory.GetFiles(Store, "*.eml"), Has.Length.EqualTo(before + 2));
        await client.NoopAsync();
    }

    [Test]
    public async Task Smtputf8_addresses_travel_as_utf8()
    {
        var before = Directory.GetFiles(Store, "*.eml").Length;
        await using var client = new SmtpClient(Options("AIOSMTPD", TlsMode.StartTlsRequired));
        await client.ConnectAsync();
        var message = TutorialMessage($"用户@{Domain}");
        var result = await client.SendAsync(message);
        var (eml, envelope) = await LatestAsync(before);
        Assert.That(envelope.RootElement.ToString(), Does.Contain($"用户@{Domain}"));
        Assert.That(eml, Is.EqualTo(Serialized(message, international: true)));
        Assert.That(result.Recipients.Single().Accepted, Is.True);
    }

    [Test]
    public async Task A_refused_recipient_domain_is_a_typed_error()
    {
        await using var client = new SmtpClient(Options("AIOSMTPD", TlsMode.StartTlsRequired));
        await client.ConnectAsync();
        var message = TutorialMessage($"x@{InteropEnvironment.Get("AIOSMTPD_REJECT_DOMAIN")}");
        var error = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));
        Assert.That(error!.StatusCode, Is.EqualTo(550));
        Assert.That(error.ErrorCode, Is.EqualTo(SmtpErrorCode.RecipientRejected));
        await client.NoopAsync();
    }
}
