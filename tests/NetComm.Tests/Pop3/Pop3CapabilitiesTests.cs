using NetComm.Pop3;
using NetComm.Pop3.Internal;

namespace NetComm.Tests.Pop3;

[TestFixture]
public class Pop3CapabilitiesTests
{
    [Test]
    public void Capa_lines_are_parsed_into_properties()
    {
        var capabilities = Pop3Capabilities.Parse(
            ["TOP", "USER", "UIDL", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE", "SASL plain SCRAM-SHA-256", "STLS", "UTF8 USER",
             "LOGIN-DELAY 900 USER", "EXPIRE 31", "IMPLEMENTATION Dovecot"],
            apop: true);

        Assert.Multiple(() =>
        {
            Assert.That(capabilities.Top && capabilities.User && capabilities.Uidl && capabilities.Pipelining, Is.True);
            Assert.That(capabilities.ResponseCodes && capabilities.AuthResponseCode && capabilities.StartTls && capabilities.Utf8, Is.True);
            Assert.That(capabilities.Sasl, Is.EqualTo(new[] { "PLAIN", "SCRAM-SHA-256" }));
            Assert.That(capabilities.LoginDelay, Is.EqualTo(TimeSpan.FromSeconds(900)));
            Assert.That(capabilities.LoginDelayPerUser, Is.True);
            Assert.That(capabilities.ExpireAfter, Is.EqualTo(TimeSpan.FromDays(31)));
            Assert.That(capabilities.ExpireNever, Is.False);
            Assert.That(capabilities.ExpirePerUser, Is.False);
            Assert.That(capabilities.Implementation, Is.EqualTo("Dovecot"));
            Assert.That(capabilities.Apop, Is.True);
            Assert.That(capabilities.Has("pipelining"), Is.True);
        });
    }

    [Test]
    public void Expire_never_and_zero_are_told_apart()
    {
        Assert.That(Pop3Capabilities.Parse(["EXPIRE NEVER"], false).ExpireNever, Is.True);
        Assert.That(Pop3Capabilities.Parse(["EXPIRE 0 USER"], false).ExpireAfter, Is.EqualTo(TimeSpan.Zero));
        Assert.That(Pop3Capabilities.Parse(["EXPIRE 0 USER"], false).ExpirePerUser, Is.True);
    }

    // Found while writing the pop3-capa fuzz target (tests/NetComm.Fuzz/found/pop3-capa): TimeSpan.FromDays threw.
    [Test]
    public void An_expire_period_longer_than_a_timespan_is_ignored_not_thrown()
    {
        var capabilities = Pop3Capabilities.Parse(["EXPIRE 2147483647 USER", "LOGIN-DELAY 2147483647"], false);

        Assert.That(capabilities.ExpireAfter, Is.Null);
        Assert.That(capabilities.ExpirePerUser, Is.True);
        Assert.That(capabilities.LoginDelay, Is.EqualTo(TimeSpan.FromSeconds(int.MaxValue)));
    }

    [Test]
    public void A_server_without_capa_is_assumed_to_offer_user_pass_only()
    {
        var capabilities = Pop3Capabilities.None(apop: false);

        Assert.That(capabilities.IsCapaSupported, Is.False);
        Assert.That(capabilities.User, Is.True);
        Assert.That(capabilities.Pipelining || capabilities.StartTls || capabilities.Sasl.Count > 0, Is.False);
    }

    [TestCase("[IN-USE] locked", "IN-USE", true)]
    [TestCase("[SYS/TEMP/QUOTA] later", "SYS/TEMP/QUOTA", true)]
    [TestCase("[LOGIN-DELAY] wait", "LOGIN-DELAY", true)]
    [TestCase("[SYS/PERM] gone", "SYS/PERM", false)]
    [TestCase("[AUTH] wrong", "AUTH", false)]
    [TestCase("[not a code] text", null, false)]
    [TestCase("no code", null, false)]
    public void Response_codes_are_parsed_and_classified(string text, string? code, bool transient)
    {
        var parsed = Pop3Reply.ResponseCodeOf(text);

        Assert.That(parsed, Is.EqualTo(code));
        Assert.That(Pop3ResponseCodes.IsTransient(parsed), Is.EqualTo(transient));
    }

    [TestCase("+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>", "<1896.697170952@dbc.mtview.ca.us>")]
    [TestCase("+OK POP3 <ready> server", null)]
    [TestCase("+OK no timestamp", null)]
    public void The_apop_timestamp_is_taken_from_the_greeting(string greeting, string? timestamp)
        => Assert.That(ApopDigest.TimestampOf(greeting), Is.EqualTo(timestamp));

    [Test]
    public void The_apop_digest_matches_rfc_1939()
        => Assert.That(ApopDigest.Compute("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"), Is.EqualTo("c4c9334bac560ecc979e58001b3e22fb"));
}
