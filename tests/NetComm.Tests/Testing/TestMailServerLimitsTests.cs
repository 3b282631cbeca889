using System.Diagnostics;
using System.Text;
using NetComm.Testing;
using NetComm.Tests.Support;

namespace NetComm.Tests.Testing;

/// <summary>TestMailServer's limits against hostile clients (issue 9), at small scale on loopback.</summary>
[TestFixture]
public class TestMailServerLimitsTests
{
    [Test]
    public void A_full_pop3_port_answers_sys_temp()
    {
        using var server = TestMailServer.Launch(o => o.MaxConnections = 1);
        using var first = RawClient.Connect(server.Pop3Port);
        Assert.That(first.ReadLine(), Does.StartWith("+OK"));
        using var second = RawClient.Connect(server.Pop3Port);
        Assert.That(second.ReadLine(), Does.StartWith("-ERR [SYS/TEMP]"));
        Assert.That(second.WaitForClose(), Is.True);
    }

    [Test]
    public void Dripping_smtp_clients_cannot_lock_out_a_well_behaved_one()
    {
        using var server = TestMailServer.Launch(o =>
        {
            o.MaxConnections = 5;
            o.LineTimeout = TimeSpan.FromSeconds(1);
        });
        using var attack = new Dripper(new System.Net.IPEndPoint(server.Address, server.SmtpPort), clients: 10, interval: TimeSpan.FromMilliseconds(100));
        SpinWait.SpinUntil(() => attack.Connections > 10, Timeouts.Wait);

        var served = Retry.Until(
            () =>
            {
                using var client = RawClient.Connect(server.SmtpPort);
                return client.ReadReply().StartsWith("220 ", StringComparison.Ordinal) && client.Ask("NOOP").StartsWith("250", StringComparison.Ordinal);
            },
            e => e is IOException);

        Assert.That(served, Is.True, "a well-behaved client got a session while the attack went on");
    }

    [Test]
    public void A_command_line_that_trickles_in_gets_421_at_the_line_timeout()
    {
        using var server = TestMailServer.Launch(o => o.LineTimeout = TimeSpan.FromMilliseconds(500));
        using var client = RawClient.Connect(server.SmtpPort);
        client.ReadReply();
        using var stop = new CancellationTokenSource();
        var drip = Task.Run(() =>
        {
            try
            {
                while (!stop.Token.WaitHandle.WaitOne(50))
                {
                    client.Send("N");
                }
            }
            catch (IOException)
            {
                // The server closed the connection.
            }
        });

        Assert.That(client.ReadReply(), Does.StartWith("421 4.4.2 "));
        Assert.That(client.WaitForClose(), Is.True);
        stop.Cancel();
        Assert.That(drip.Wait(Timeouts.Wait), Is.True);
    }

    [Test]
    public void A_session_is_closed_at_the_session_timeout_however_busy()
    {
        using var server = TestMailServer.Launch(o => o.SessionTimeout = TimeSpan.FromSeconds(1));
        using var client = RawClient.Connect(server.SmtpPort);
        client.ReadReply();
        var clock = Stopwatch.StartNew();
        string reply;
        do
        {
            reply = client.Ask("NOOP");
        }
        while (reply.StartsWith("250", StringComparison.Ordinal) && clock.Elapsed < Timeouts.Wait);

        Assert.That(reply, Does.StartWith("421 4.4.2 "));
    }

    [Test]
    public void A_run_of_bad_commands_ends_with_421()
    {
        using var server = TestMailServer.Launch(o => o.MaxBadCommands = 3);
        using var client = RawClient.Connect(server.SmtpPort);
        client.ReadReply();
        Assert.That(client.Ask("EHLO client.example"), Does.StartWith("250"));
        Assert.That(client.Ask("BOGUS 1"), Does.StartWith("5"));
        Assert.That(client.Ask("NOOP"), Does.StartWith("250"), "a good command ends the run");
        Assert.That(client.Ask("BOGUS 2"), Does.StartWith("5"));
        Assert.That(client.Ask("BOGUS 3"), Does.StartWith("5"));
        Assert.That(client.Ask("BOGUS 4"), Does.StartWith("5"));
        Assert.That(client.ReadReply(), Does.StartWith("421 4.7.0 "));
        Assert.That(client.WaitForClose(), Is.True);
    }

    [Test]
    public void Pop3_closes_after_a_run_of_bad_commands_too()
    {
        using var server = TestMailServer.Launch(o => o.MaxBadCommands = 2);
        using var client = RawClient.Connect(server.Pop3Port);
        client.ReadLine();
        client.Command("BOGUS");
        Assert.That(client.ReadLine(), Does.StartWith("-ERR"));
        client.Command("BOGUS");
        Assert.That(client.ReadLine(), Does.StartWith("-ERR"));
        Assert.That(client.ReadLine(), Does.StartWith("-ERR Too many errors"));
        Assert.That(client.WaitForClose(), Is.True);
    }

    [Test]
    public void Violations_past_the_cap_are_counted_not_kept()
    {
        using var server = TestMailServer.Launch(o => o.MaxViolations = 3);
        using var client = RawClient.Connect(server.SmtpPort);
        client.ReadReply();
        for (var i = 0; i < 8; i++)
        {
            Assert.That(client.Ask($"BOGUS {i}"), Does.StartWith("5"));
            Assert.That(client.Ask("NOOP"), Does.StartWith("250"));
        }

        Assert.That(server.ProtocolViolations, Has.Count.EqualTo(3));
        Assert.That(server.DroppedViolations, Is.EqualTo(5));
        server.Clear();
        Assert.That(server.DroppedViolations, Is.Zero);
    }

    [Test]
    public void Messages_past_the_stored_bytes_cap_get_452_until_cleared()
    {
        using var server = TestMailServer.Launch(o => o.MaxStoredBytes = 1500);
        using var client = RawClient.Connect(server.SmtpPort);
        client.ReadReply();
        client.Ask("EHLO client.example");
        Assert.That(Send(client, 1000), Does.StartWith("250"));
        Assert.That(Send(client, 1000), Does.StartWith("452 4.3.1"));
        Assert.That(server.Messages, Has.Count.EqualTo(1));
        server.Clear();
        Assert.That(Send(client, 1000), Does.StartWith("250"));
    }

    [Test]
    public void Auth_lines_may_run_to_12288_octets_other_commands_only_to_MaxLineLength()
    {
        using var server = TestMailServer.Launch(o =>
        {
            o.RequireTlsForAuth = false;
            o.AddUser("alice", "secret");
        });
        using var client = RawClient.Connect(server.SmtpPort);
        client.ReadReply();
        client.Ask("EHLO client.example");

        var response = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0" + new string('p', 8000)));
        Assert.That(response.Length, Is.GreaterThan(server.Options.MaxLineLength).And.LessThan(TestMailServerOptions.MaxAuthLineLength - 20));
        Assert.That(client.Ask("AUTH PLAIN " + response), Does.StartWith("535"), "read whole and judged on its credentials");
        Assert.That(client.Ask("NOOP " + new string('n', 6000)), Does.StartWith("500"), "too long for anything but AUTH");
        Assert.That(client.Ask("NOOP"), Does.StartWith("250"));
    }

    private static string Send(RawClient client, int size)
    {
        Assert.That(client.Ask("MAIL FROM:<a@example.com>"), Does.StartWith("250"));
        Assert.That(client.Ask("RCPT TO:<b@example.com>"), Does.StartWith("250"));
        Assert.That(client.Ask("DATA"), Does.StartWith("354"));
        var body = new StringBuilder("Subject: x\r\n\r\n");
        while (body.Length < size)
        {
            body.Append(new string('m', 70)).Append("\r\n");
        }

        client.Send(body.ToString());
        return client.Ask(".");
    }
}
