using NetComm.Mail;
using NetComm.Smtp;

namespace NetComm.Tests.Smtp;

/// <summary>SMTP's own settings are checked at connect time like the common ones (see SessionRulesTests).</summary>
[TestFixture]
public class SmtpClientOptionsTests
{
    private static IEnumerable<TestCaseData> Spoiled()
    {
        yield return new TestCaseData(new Action<SmtpClientOptions>(o => o.ChunkSize = 0), "ChunkSize is 0").SetName("ChunkSize_zero");
        yield return new TestCaseData(new Action<SmtpClientOptions>(o => o.ChunkSize = int.MaxValue), "ChunkSize is 2147483647").SetName("ChunkSize_too_large_to_buffer");
        yield return new TestCaseData(new Action<SmtpClientOptions>(o => o.PartialDelivery = (PartialDeliveryPolicy)7), "PartialDelivery 7 is not a PartialDeliveryPolicy").SetName("PartialDelivery_undefined");
    }

    [TestCaseSource(nameof(Spoiled))]
    public void A_setting_that_cannot_work_is_refused_before_connecting(Action<SmtpClientOptions> spoil, string says)
    {
        // Port 1 on loopback refuses connections: reaching the network would fail differently.
        var options = new SmtpClientOptions { Host = "127.0.0.1", Port = 1, TlsMode = TlsMode.None };
        spoil(options);
        using var client = new SmtpClient(options);

        var error = Assert.Throws<InvalidOperationException>(() => client.Connect());

        Assert.That(error!.Message, Does.Contain("SmtpClientOptions." + says.Split(' ')[0]).And.Contain(says).And.Contain("Nothing was sent"));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Disconnected));
    }
}
