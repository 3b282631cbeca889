using System.Diagnostics;
using System.Text;
using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;

namespace NetComm.Tests.Pop3;

/// <summary>Real sockets on 127.0.0.1 and real TLS against servers that lie, stall, inject or speak the wrong mode.</summary>
[TestFixture]
public class Pop3HostileServerTests
{
    private static readonly MailCredentials s_alice = new("alice", "secret");

    private static async Task ConnectAndLogin(IoMode mode, Pop3Client client)
    {
        await Io.Call(mode, () => client.Connect(), () => client.ConnectAsync());
        await Io.Call(mode, () => client.Authenticate(s_alice), () => client.AuthenticateAsync(s_alice));
    }

    [Test]
    public async Task Stls_and_implicit_tls_work_with_a_certificate_made_in_the_test([Values] IoMode mode, [Values(TlsMode.StartTlsRequired, TlsMode.ImplicitTls)] TlsMode tlsMode)
    {
        using var server = new FakePop3Server(s =>
        {
            s.ImplicitTls = tlsMode == TlsMode.ImplicitTls;
            s.Messages.Add("Subject: over TLS\r\n\r\nsecret text\r\n");
        });
        using var client = new Pop3Client(server.ClientOptions(tlsMode));

        await ConnectAndLogin(mode, client);
        var message = await Io.Call(mode, () => client.Retrieve(1), () => client.RetrieveAsync(1));

        Assert.That(client.IsTls, Is.True);
        Assert.That(client.AuthenticationMechanism, Is.EqualTo("PLAIN"), "SASL PLAIN is only offered after TLS");
        Assert.That(client.Capabilities!.StartTls, Is.False, "capabilities read before STLS are discarded");
        Assert.That(message.Subject, Is.EqualTo("over TLS"));
    }

    [Test]
    public async Task An_untrusted_certificate_fails_with_a_security_exception([Values] IoMode mode)
    {
        using var server = new FakePop3Server();
        using var client = new Pop3Client(server.ClientOptions(TlsMode.StartTlsRequired, o => o.Tls.TrustedRoots.Clear()));

        Assert.ThrowsAsync<MailSecurityException>(() => Io.Call(mode, () => client.Connect(), () => client.ConnectAsync()));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task Stripped_stls_fails_when_tls_is_required_and_nothing_secret_is_sent([Values] IoMode mode)
    {
        using var server = new FakePop3Server(s => s.Capabilities.Remove("STLS"));
        using var client = new Pop3Client(server.ClientOptions(TlsMode.StartTlsRequired, o => o.AllowPlaintextAuthentication = true));

        var error = Assert.ThrowsAsync<MailSecurityException>(() => ConnectAndLogin(mode, client));

        Assert.That(error!.Message, Does.Contain("did not offer STLS").And.Contain("Nothing secret was sent"));
        LoopbackServer.WaitUntil(() => !server.Received.IsEmpty, "the CAPA command");
        Assert.That(server.Received, Is.EqualTo(new[] { "CAPA" }));
    }

    [Test]
    public async Task Opportunistic_tls_carries_on_in_plaintext_only_when_told_to([Values] IoMode mode)
    {
        using var server = new FakePop3Server(s =>
        {
            s.Capabilities.Remove("STLS");
            s.Messages.Add("Subject: plain\r\n\r\nbody\r\n");
        });
        var logger = new ListLogger();
        using var client = new Pop3Client(server.ClientOptions(TlsMode.StartTlsWhenAvailable, o =>
        {
            o.AllowPlaintextAuthentication = true;
            o.Logger = logger;
        }));

        await ConnectAndLogin(mode, client);

        Assert.That(client.IsTls, Is.False);
        Assert.That(logger.Events.Any(e => e.Id.Id == NetComm.Diagnostics.NetCommEventIds.Pop3ContinuingWithoutTls), Is.True);
    }

    [Test]
    public async Task Bytes_injected_after_the_stls_go_ahead_fail_the_connection([Values] IoMode mode)
    {
        using var server = new FakePop3Server(s => s.OnCommand = (line, connection) =>
        {
            if (line != "STLS")
            {
                return false;
            }

            // The go-ahead and a forged reply in one segment, before any handshake.
            connection.Write("+OK begin TLS\r\n+OK forged reply\r\n"u8);
            connection.ReadLine();
            return true;
        });
        using var client = new Pop3Client(server.ClientOptions(TlsMode.StartTlsRequired));

        var error = Assert.ThrowsAsync<MailSecurityException>(() => ConnectAndLogin(mode, client));

        Assert.That(error!.Message, Does.Contain("after agreeing to start TLS"));
        Assert.That(server.Received, Is.EqualTo(new[] { "CAPA", "STLS" }));
    }

    [Test]
    public async Task A_plaintext_server_on_the_implicit_tls_setting_is_diagnosed([Values] IoMode mode)
    {
        using var server = new FakePop3Server();
        using var client = new Pop3Client(server.ClientOptions(TlsMode.ImplicitTls));

        var error = Assert.ThrowsAsync<TlsModeMismatchException>(() => Io.Call(mode, () => client.Connect(), () => client.ConnectAsync()));

        Assert.That(error!.SuggestedMode, Is.EqualTo(TlsMode.StartTlsRequired));
        Assert.That(error.Message, Does.Contain("+OK fake POP3 ready"));
    }

    [Test]
    public async Task A_server_that_never_greets_times_out_within_the_greeting_timeout([Values] IoMode mode)
    {
        using var server = new FakePop3Server(s => s.Silent = true);
        using var client = new Pop3Client(server.ClientOptions(TlsMode.StartTlsRequired, o => o.GreetingTimeout = TimeSpan.FromMilliseconds(400)));
        var clock = Stopwatch.StartNew();

        var error = Assert.ThrowsAsync<TimeoutException>(() => Io.Call(mode, () => client.Connect(), () => client.ConnectAsync()));

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(error!.Message, Does.Contain("TlsMode.ImplicitTls"));
    }

    [Test]
    public async Task A_retr_that_never_ends_times_out_and_closes_the_connection([Values] IoMode mode)
    {
        using var server = new FakePop3Server(s => s.OnCommand = (line, connection) =>
        {
            if (line != "RETR 1")
            {
                return false;
            }

            connection.Write("+OK\r\nSubject: endless\r\n\r\nfirst lines arrive, then nothing\r\n"u8);
            connection.ReadLine();
            return true;
        });
        // Message content is bounded by DataTimeout, not CommandTimeout: a big message may take longer than a command.
        using var client = new Pop3Client(server.ClientOptions(TlsMode.StartTlsRequired, o => o.DataTimeout = TimeSpan.FromMilliseconds(500)));
        await ConnectAndLogin(mode, client);
        var clock = Stopwatch.StartNew();

        var error = Assert.ThrowsAsync<TimeoutException>(() => Io.Call(mode, () => client.CopyMessageTo(1, Stream.Null), () => client.CopyMessageToAsync(1, Stream.Null)));

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(error!.Message, Does.Contain("RETR 1").And.Contain("0.5 s"));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task The_caller_token_cancels_a_stalled_download(/* async only: a blocking read cannot observe a token */)
    {
        using var server = new FakePop3Server(s => s.OnCommand = (line, connection) =>
        {
            if (line != "RETR 1")
            {
                return false;
            }

            connection.Write("+OK\r\nSubject: stalled\r\n"u8);
            connection.ReadLine();
            return true;
        });
        using var client = new Pop3Client(server.ClientOptions(TlsMode.StartTlsRequired));
        await ConnectAndLogin(IoMode.Async, client);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Assert.That(async () => await client.CopyMessageToAsync(1, Stream.Null, null, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task Dots_and_hidden_terminators_are_unstuffed_correctly_over_tls([Values] IoMode mode)
    {
        var content = "Subject: dots\r\n\r\n..\r\n.\r\n. a\r\nx\n.\r\ny\r.\r\nend .\r\n";
        using var server = new FakePop3Server(s => s.Messages.Add(content));
        using var client = new Pop3Client(server.ClientOptions(TlsMode.StartTlsRequired));
        await ConnectAndLogin(mode, client);
        using var sink = new MemoryStream();

        await Io.Call(mode, () => client.CopyMessageTo(1, sink), () => client.CopyMessageToAsync(1, sink));
        await Io.Call(mode, () => client.Noop(), () => client.NoopAsync());

        Assert.That(Encoding.UTF8.GetString(sink.ToArray()), Is.EqualTo(content));
    }

    [Test]
    public async Task A_list_that_disagrees_with_stat_is_reported([Values] IoMode mode, [Values(1, 3)] int listed)
    {
        using var server = new FakePop3Server(s =>
        {
            s.Messages.AddRange(["Subject: a\r\n\r\na\r\n", "Subject: b\r\n\r\nb\r\n"]);
            s.OnCommand = (line, connection) =>
            {
                if (line != "LIST")
                {
                    return false;
                }

                connection.Write(Encoding.ASCII.GetBytes("+OK\r\n" + string.Concat(Enumerable.Range(1, listed).Select(i => $"{i} 20\r\n")) + ".\r\n"));
                return true;
            };
        });
        using var client = new Pop3Client(server.ClientOptions(TlsMode.StartTlsRequired));
        await ConnectAndLogin(mode, client);

        var error = Assert.ThrowsAsync<MailProtocolException>(() => Io.Call(mode, () => client.List(), () => client.ListAsync()));

        Assert.That(error!.Message, Does.Contain($"listed {listed} message(s) but its STAT said 2"));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task An_overlong_status_line_is_cut_off_as_a_protocol_error([Values] IoMode mode)
    {
        using var server = new FakePop3Server(s => s.OnCommand = (line, connection) =>
        {
            if (line != "NOOP")
            {
                return false;
            }

            connection.Write(Encoding.ASCII.GetBytes("+OK " + new string('A', 100_000) + "\r\n"));
            return true;
        });
        using var client = new Pop3Client(server.ClientOptions(TlsMode.StartTlsRequired));
        await ConnectAndLogin(mode, client);

        Assert.ThrowsAsync<MailProtocolException>(() => Io.Call(mode, () => client.Noop(), () => client.NoopAsync()));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task An_err_in_a_pipelined_batch_over_a_socket_leaves_the_session_usable([Values] IoMode mode)
    {
        using var server = new FakePop3Server(s =>
        {
            s.Messages.AddRange(["Subject: 1\r\n\r\none\r\n", "Subject: 2\r\n\r\ntwo\r\n", "Subject: 3\r\n\r\nthree\r\n"]);
            s.OnCommand = (line, connection) =>
            {
                if (line != "RETR 2")
                {
                    return false;
                }

                connection.WriteLine("-ERR [SYS/TEMP] message 2 unavailable");
                return true;
            };
        });
        using var client = new Pop3Client(server.ClientOptions(TlsMode.StartTlsRequired));
        await ConnectAndLogin(mode, client);

        var result = await Io.Call(mode, () => client.Retrieve([1, 2, 3]), () => client.RetrieveAsync([1, 2, 3]));
        var error = Assert.Throws<Pop3BatchException>(() => result.EnsureAllSucceeded());
        var stat = await Io.Call(mode, () => client.Stat(), () => client.StatAsync());

        Assert.That(client.IsPipelining, Is.True);
        Assert.That(error!.Failures.Single().MessageNumber, Is.EqualTo(2));
        Assert.That(result.Items.Where(i => i.Succeeded).Select(i => i.Number), Is.EquivalentTo(new[] { 1, 3 }));
        Assert.That(stat.Count, Is.EqualTo(3));
    }
}
