using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;
using NetComm.Tests.Support;
using NetComm.TestSupport;
using static NetComm.Tests.Smtp.SmtpScript;

namespace NetComm.Tests.Smtp;

/// <summary>
/// How many times a session waits for the server (a round trip: the client wrote, then has to read), counted on
/// the client's stream. docs/performance.md quotes these numbers.
/// </summary>
[TestFixture]
public class SmtpRoundTripTests
{
    private const string Ehlo = "250-mail.example.test\n250-PIPELINING\n250-8BITMIME\n250 AUTH PLAIN";

    [Test]
    public async Task One_message_costs_two_round_trips_after_ehlo_and_auth([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, Ehlo).Client("AUTH PLAIN ").Server("235 ok");
        Transaction(server, first: true).ClientData().Server("250 ok").Client("QUIT").Server("221 bye");
        var turns = new TurnCountingStream(server);

        await RunAsync(turns, async, client => Send(client, async, Message()));

        // EHLO, AUTH PLAIN with its initial response, MAIL+RCPT+DATA, content+dot, QUIT.
        Assert.That(turns.Turns, Is.EqualTo(5));
        Assert.That(server.Finished, Is.True);
    }

    [Test]
    public async Task A_batch_costs_one_round_trip_per_message_after_the_first_envelope([Values] bool async)
    {
        var server = Greeted(ChunkMode.Whole, Ehlo).Client("AUTH PLAIN ").Server("235 ok");
        Transaction(server, first: true);
        for (var i = 1; i < 10; i++)
        {
            Transaction(server.ClientData(), first: false);
        }

        server.ClientData().Server("250 ok").Client("QUIT").Server("221 bye");
        var turns = new TurnCountingStream(server);

        await RunAsync(turns, async, async client => Assert.That((async ? await client.SendBatchAsync(Messages(10)) : client.SendBatch(Messages(10))).AllSucceeded, Is.True));

        // EHLO, AUTH, the first envelope, then one per message (its dot with the next envelope), QUIT.
        Assert.That(turns.Turns, Is.EqualTo(1 + 1 + 1 + 10 + 1));
        Assert.That(server.Finished, Is.True);
    }

    private static ScriptedServerStream Transaction(ScriptedServerStream server, bool first)
    {
        server.Envelope();
        if (!first)
        {
            server.Server("250 ok");
        }

        return server.Server("250 ok").Server("250 ok").Server("354 go");
    }

    private static MimeMessage[] Messages(int count) => Enumerable.Range(0, count).Select(_ => Message()).ToArray();

    private static async Task Send(SmtpClient client, bool async, MimeMessage message)
    {
        if (async)
        {
            await client.SendAsync(message);
        }
        else
        {
            client.Send(message);
        }
    }

    private static async Task RunAsync(Stream transport, bool async, Func<SmtpClient, Task> work)
    {
        using var client = new SmtpClient(PlainOptions(), transport);
        var credentials = new MailCredentials("alice", "secret");
        if (async)
        {
            await client.ConnectAsync();
            await client.AuthenticateAsync(credentials);
            await work(client);
            await client.DisconnectAsync();
        }
        else
        {
            client.Connect();
            client.Authenticate(credentials);
            await work(client);
            client.Disconnect();
        }
    }

    /// <summary>Counts the client's turns: each first read after a write is one wait for the server.</summary>
    private sealed class TurnCountingStream(ScriptedServerStream inner) : ServerEndStream
    {
        private bool _wrote;

        public int Turns { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            if (_wrote)
            {
                Turns++;
                _wrote = false;
            }

            return inner.Read(buffer);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _wrote = true;
            inner.Write(buffer);
        }
    }
}
