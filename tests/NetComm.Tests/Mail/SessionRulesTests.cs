using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using NetComm.Diagnostics;
using NetComm.Mail;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;
using NetComm.Transport;
using static NetComm.Tests.Mail.SessionScript;

namespace NetComm.Tests.Mail;

/// <summary>
/// The rules every mail session follows, written once and run against SMTP and POP3, sync and async, over real
/// loopback sockets: one deadline per reply, small budgets for capability lists, credentials that cannot break a
/// command line, a malformed challenge cancelled with the session kept, caller mistakes that cost nothing, one
/// operation at a time, and TLS-mode mix-ups diagnosed only when bytes prove them.
/// </summary>
[TestFixture]
public class SessionRulesTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(1);

    [Test]
    public async Task A_drip_fed_greeting_times_out_at_the_greeting_timeout([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c => Drip(c, p.GreetingLine + "\r\n", TimeSpan.FromMilliseconds(150)));
        var options = p.Options(server, TlsMode.None, TimeSpan.FromMinutes(5));
        options.GreetingTimeout = s_deadline;
        using var client = p.Create(options);

        var watch = Stopwatch.StartNew();
        var error = Assert.ThrowsAsync<TimeoutException>(() => client.Connect(mode));

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(6)), "one deadline for the whole greeting, not one per byte");
        Assert.That(error!.Message, Does.Contain(p.Name).And.Contain($"localhost:{server.LocalEndPoint.Port}").And.Contain("greeting").And.Contain("1 s").And.Contain("bytes had arrived"));
        Assert.That(error.Message, Does.Not.Contain(" 0 bytes had arrived"), "bytes did arrive");
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
    }

    [Test]
    public async Task A_drip_fed_reply_times_out_naming_the_command([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c =>
        {
            p.ServeConnect(c, "PLAIN");
            p.ServeLogin(c);
            Expect(c, "NOOP");
            Drip(c, p.OkLine + " and a long tail that never ends in time\r\n", TimeSpan.FromMilliseconds(150));
        });
        using var client = p.Create(p.Options(server, TlsMode.None, s_deadline));
        await client.Connect(mode);
        await client.Authenticate(mode, new MailCredentials("alice", "secret"));

        var watch = Stopwatch.StartNew();
        var error = Assert.ThrowsAsync<TimeoutException>(() => client.Noop(mode));

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(6)));
        Assert.That(error!.Message, Does.Contain(p.Name).And.Contain("reply to NOOP").And.Contain("1 s").And.Contain("bytes had arrived"));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public void A_connect_cancelled_while_waiting_for_the_greeting_ends_at_once_and_is_not_logged_as_a_failure([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c => c.ReadLine());
        var log = new ListLogger();
        var options = p.Options(server, TlsMode.None);
        options.GreetingTimeout = Timeouts.Wait;
        options.Logger = log;
        using var client = p.Create(options);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var watch = Stopwatch.StartNew();
        Assert.CatchAsync<OperationCanceledException>(() => client.Connect(mode, cancel.Token));

        Assert.That(watch.Elapsed, Is.LessThan(Timeouts.Wait / 2), "the cancellation, not the greeting timeout, ended it");
        Assert.That(client.IsConnected, Is.False);
        Assert.That(log.Events.Where(e => e.Level >= LogLevel.Warning), Is.Empty, "a cancellation is the caller's choice, not a failure");
    }

    [Test]
    public void A_silent_server_is_a_timeout_that_names_both_likely_causes([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c => c.ReadLine());
        using var client = p.Create(p.Options(server, TlsMode.StartTlsRequired, s_deadline));

        var error = Assert.ThrowsAsync<TimeoutException>(() => client.Connect(mode));

        Assert.That(error!.Message, Does.Contain("0 bytes had arrived").And.Contain("slow").And.Contain("TlsMode.ImplicitTls"));
    }

    [Test]
    public void Starttls_against_an_implicit_tls_port_fails_within_15_s_by_default([Values] Protocol protocol)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c => c.UpgradeToTlsAsServer(new TlsServerOptions(TestCertificates.Localhost) { HandshakeTimeout = TimeSpan.FromMinutes(1) }));
        var options = p.Options(server, TlsMode.StartTlsRequired, TimeSpan.FromMinutes(5));
        options.GreetingTimeout = protocol == Protocol.Smtp ? new NetComm.Smtp.SmtpClientOptions().GreetingTimeout : new NetComm.Pop3.Pop3ClientOptions().GreetingTimeout;
        using var client = p.Create(options);

        var watch = Stopwatch.StartNew();
        var error = Assert.ThrowsAsync<TimeoutException>(() => client.Connect(IoMode.Sync));

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)), "the default greeting timeout, not the 5 min command timeout");
        Assert.That(error!.Message, Does.Contain("greeting").And.Contain("GreetingTimeout").And.Contain("TlsMode.ImplicitTls"));
    }

    [Test]
    public void An_oversized_capability_list_is_refused_early([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        var flood = Enumerable.Range(0, 100_000).Select(i => $"X-FLOOD-{i} {new string('x', 60)}");
        using var server = Serve(c =>
        {
            c.WriteLine(p.GreetingLine);
            p.ServeCapabilities(c, flood, []);
        });
        using var client = p.Create(p.Options(server, TlsMode.None));

        var watch = Stopwatch.StartNew();
        var error = Assert.ThrowsAsync<MailProtocolException>(() => client.Connect(mode));

        Assert.That(error!.Message, Does.Contain("exceeded").And.Contain("100 lines"));
        Assert.That(watch.Elapsed, Is.LessThan(Timeouts.Wait));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
    }

    private static IEnumerable<TestCaseData> CredentialCases()
    {
        foreach (var protocol in new[] { Protocol.Smtp, Protocol.Pop3 })
        {
            foreach (var method in SessionProtocol.For(protocol).LoginMethods)
            {
                // Token credentials have a user name and a token; password credentials a user, a password and an authorization id.
                var fields = method == "XOAUTH2" ? new[] { "UserName", "AccessToken" } : new[] { "UserName", "Password", "AuthorizationId" };
                foreach (var field in fields)
                {
                    foreach (var bad in new[] { "\0", "\r", "\n" })
                    {
                        foreach (var mode in new[] { IoMode.Sync, IoMode.Async })
                        {
                            yield return new TestCaseData(protocol, method, field, bad, mode)
                                .SetName($"Bad_credential_{protocol}_{method}_{field}_{(int)bad[0]:X2}_{mode}");
                        }
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(CredentialCases))]
    public async Task NUL_CR_and_LF_in_any_credential_field_are_refused_before_a_byte_is_sent(Protocol protocol, string method, string field, string bad, IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        var heard = new List<string>();
        using var finished = new ManualResetEventSlim();
        using var server = Serve(c =>
        {
            try
            {
                p.ServeConnect(c, method == "USER" ? [] : [method]);
                Drain(c, heard, p.OkLine);
            }
            finally
            {
                finished.Set();
            }
        });
        var options = p.Options(server, TlsMode.None);
        using var client = p.Create(options);
        await client.Connect(mode);

        string Value(string name, string normal) => name == field ? normal + bad + "x" : normal;
        var credentials = method == "XOAUTH2"
            ? MailCredentials.FromAccessToken(Value("UserName", "alice"), Value("AccessToken", "token"))
            : new MailCredentials(Value("UserName", "alice"), Value("Password", "secret")) { AuthorizationId = field == "AuthorizationId" ? Value(field, "boss") : null };

        var error = Assert.ThrowsAsync<ArgumentException>(() => client.Authenticate(mode, credentials));

        Assert.That(error!.Message, Does.Contain(field).And.Contain("nothing was sent"));
        Assert.That(client.IsConnected, Is.True, "a caller mistake keeps the session");
        client.Dispose();
        Assert.That(finished.Wait(Timeouts.Wait), Is.True, "the server saw the client leave");
        lock (heard)
        {
            Assert.That(heard.Where(l => !l.StartsWith("QUIT", StringComparison.Ordinal)), Is.Empty, "not a byte of the login went out");
        }
    }

    [Test]
    public async Task Credentials_changed_during_a_login_do_not_reach_the_wire([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        var credentials = new MailCredentials("alice", "secret");
        string? passwordOnTheWire = null;
        using var server = Serve(c =>
        {
            p.ServeConnect(c, "LOGIN");
            var auth = Expect(c, "AUTH LOGIN");
            if (auth.Trim().Split(' ').Length == 2)
            {
                c.WriteLine(p.Challenge(Convert.ToBase64String("Username:"u8)));
                c.ReadLine();
            }

            // Between the checks and the password's turn, the caller's object changes (a configuration reload
            // binding into the same instance): the login must go on with what was checked.
            credentials.Password = "changed\r\nDELE 1";
            c.WriteLine(p.Challenge(Convert.ToBase64String("Password:"u8)));
            passwordOnTheWire = Encoding.UTF8.GetString(Convert.FromBase64String(c.ReadLine()!.Trim()));
            p.AcceptLogin(c);
            Expect(c, "QUIT");
        });
        var options = p.Options(server, TlsMode.None);
        SetMechanism(options, "LOGIN");
        using var client = p.Create(options);
        await client.Connect(mode);

        await client.Authenticate(mode, credentials);

        Assert.That(passwordOnTheWire, Is.EqualTo("secret"));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Authenticated));
    }

    [Test]
    public async Task A_malformed_challenge_is_cancelled_and_the_session_goes_on([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        var heard = new List<string>();
        using var server = Serve(c =>
        {
            p.ServeConnect(c, "LOGIN", "PLAIN");
            Expect(c, "AUTH LOGIN", heard);
            c.WriteLine(p.Challenge("%%% not base64 %%%"));
            Expect(c, "*", heard);
            c.WriteLine(p.AuthRefused);
            p.ServeLogin(c);
            Expect(c, "NOOP");
            c.WriteLine(p.OkLine);
            Expect(c, "QUIT");
        });
        var options = p.Options(server, TlsMode.None);
        SetMechanism(options, "LOGIN");
        using var client = p.Create(options);
        await client.Connect(mode);

        var error = Assert.ThrowsAsync<MailAuthenticationException>(() => client.Authenticate(mode, new MailCredentials("alice", "secret")));

        Assert.That(error!.Message, Does.Contain("not base64"));
        Assert.That(error.Mechanism, Is.EqualTo("LOGIN"));
        Assert.That(error.EndsSession, Is.False);
        Assert.That(client.IsConnected, Is.True);
        Assert.That(heard, Does.Contain("*"), "the exchange was cancelled as RFC 4954 and RFC 5034 say");

        SetMechanism(options, "PLAIN");
        await client.Authenticate(mode, new MailCredentials("alice", "secret"));
        await client.Noop(mode);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Authenticated));
    }

    [Test]
    public async Task A_scram_server_that_reports_success_without_proving_itself_ends_the_session([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c =>
        {
            p.ServeConnect(c, "SCRAM-SHA-256");
            var auth = Expect(c, "AUTH SCRAM-SHA-256");
            var clientFirst = Encoding.ASCII.GetString(Convert.FromBase64String(auth.Split(' ')[2]));
            var nonce = clientFirst.Split(",r=")[1];
            c.WriteLine(p.Challenge(Convert.ToBase64String(Encoding.ASCII.GetBytes($"r={nonce}server,s=QSXCR+Q6sek8bf92,i=4096"))));
            c.ReadLine();
            c.WriteLine(p.AuthAccepted); // success, without the server signature (v=) that proves it knows the password
            Drain(c, [], p.OkLine);
        });
        var options = p.Options(server, TlsMode.None);
        SetMechanism(options, "SCRAM-SHA-256");
        using var client = p.Create(options);
        await client.Connect(mode);

        var error = Assert.ThrowsAsync<MailAuthenticationException>(() => client.Authenticate(mode, new MailCredentials("alice", "secret")));

        Assert.That(error!.Mechanism, Is.EqualTo("SCRAM-SHA-256"));
        Assert.That(error.EndsSession, Is.True);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.That(client.IsConnected, Is.False);
        Assert.That(client.IsAuthenticated, Is.False);
    }

    [Test]
    public async Task Caller_mistakes_keep_the_session([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c =>
        {
            p.ServeConnect(c, "PLAIN");
            p.ServeLogin(c);
            Expect(c, "NOOP");
            c.WriteLine(p.OkLine);
            Expect(c, "QUIT");
        });
        using var client = p.Create(p.Options(server, TlsMode.None));
        await client.Connect(mode);

        Assert.ThrowsAsync<InvalidOperationException>(() => client.Connect(mode), "connect twice");
        Assert.ThrowsAsync<ArgumentNullException>(() => client.Authenticate(mode, null!));
        if (protocol == Protocol.Pop3)
        {
            Assert.ThrowsAsync<InvalidOperationException>(() => client.Noop(mode), "POP3 has no NOOP before login");
        }

        using (var cancelled = new CancellationTokenSource())
        {
            cancelled.Cancel();
            Assert.CatchAsync<OperationCanceledException>(() => client.Authenticate(mode, new MailCredentials("alice", "secret"), cancelled.Token), "cancelled before a byte went out");
        }

        Assert.That(client.IsConnected, Is.True);
        await client.Authenticate(mode, new MailCredentials("alice", "secret"));
        Assert.ThrowsAsync<InvalidOperationException>(() => client.Authenticate(mode, new MailCredentials("alice", "secret")), "already logged in");
        await client.Noop(mode);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Authenticated));
    }

    [Test]
    public async Task Unusable_options_fail_before_any_network_activity_with_the_setting_named([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c => p.ServeConnect(c));
        var implicitPort = protocol == Protocol.Smtp ? 465 : 995;
        var cases = new (Action<MailClientOptions> Spoil, string Says)[]
        {
            (o => o.Host = "", "Host is not set"),
            (o => o.Port = 70_000, "Port 70000 is not a TCP port"),
            (o => o.CommandTimeout = TimeSpan.Zero, "CommandTimeout is 00:00:00"),
            (o => o.GreetingTimeout = TimeSpan.FromSeconds(-2), "GreetingTimeout"),
            (o => o.MaxReplyLines = 0, "MaxReplyLines is 0"),
            (o => o.Tls = null!, "Tls is null"),
            (o => { o.Port = implicitPort; o.TlsMode = TlsMode.StartTlsRequired; }, $"Port {implicitPort} is the implicit-TLS port"),
            (o => o.CommandTimeout = TimeSpan.FromDays(30), "CommandTimeout is 30.00:00:00"),
            (o => o.GreetingTimeout = TimeSpan.FromDays(25), "GreetingTimeout is 25.00:00:00"),
            (o => o.TlsMode = (TlsMode)42, "TlsMode 42 is not a TlsMode"),
            (o => o.Tls.Revocation = (RevocationCheck)9, "Tls.Revocation 9 is not a RevocationCheck"),
            (o => { o.Tls.ReplaceCertificateValidation = (_, certificate, _, _) => certificate is not null; o.Tls.Pins.Add("00"); }, "ReplaceCertificateValidation decides alone"),
        };

        foreach (var (spoil, says) in cases)
        {
            var options = p.Options(server, TlsMode.None);
            spoil(options);
            using var client = p.Create(options);
            var error = Assert.ThrowsAsync<InvalidOperationException>(() => client.Connect(mode), says);
            Assert.That(error!.Message, Does.Contain(options.GetType().Name).And.Contain(says).And.Contain("Nothing was sent"));
            Assert.That(client.State, Is.EqualTo(MailSessionState.Disconnected));
        }

        Assert.That(server.Counters.Accepted, Is.Zero, "no connection was made");
    }

    [Test]
    public async Task Credentials_bound_from_configuration_are_checked_when_used([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c =>
        {
            p.ServeConnect(c, "PLAIN");
            p.ServeLogin(c);
            Expect(c, "QUIT");
        });
        using var client = p.Create(p.Options(server, TlsMode.None));
        await client.Connect(mode);

        foreach (var (credentials, says) in new (MailCredentials, string)[]
        {
            (new MailCredentials { Password = "pa55word" }, "no UserName"),
            (new MailCredentials { UserName = "alice" }, "neither a Password nor an AccessToken"),
            (new MailCredentials { UserName = "alice", Password = "pa55word", AccessToken = "tok3n" }, "both a Password and an AccessToken"),
        })
        {
            var error = Assert.ThrowsAsync<ArgumentException>(() => client.Authenticate(mode, credentials));
            Assert.That(error!.Message, Does.Contain(says).And.Contain("nothing was sent"));
            Assert.That(credentials.ToString(), Does.Not.Contain("pa55word").And.Not.Contain("tok3n"));
        }

        await client.Authenticate(mode, new MailCredentials { UserName = "alice", Password = "secret" });
        Assert.That(client.State, Is.EqualTo(MailSessionState.Authenticated));
    }

    [Test]
    public async Task A_second_concurrent_call_fails_at_once_and_leaves_the_first_alone([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var noopArrived = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var server = Serve(c =>
        {
            p.ServeConnect(c, "PLAIN");
            p.ServeLogin(c);
            Expect(c, "NOOP");
            noopArrived.Set();
            release.Wait(Timeouts.Wait);
            c.WriteLine(p.OkLine);
            Expect(c, "NOOP");
            c.WriteLine(p.OkLine);
            Expect(c, "QUIT");
        });
        using var client = p.Create(p.Options(server, TlsMode.None));
        await client.Connect(mode);
        await client.Authenticate(mode, new MailCredentials("alice", "secret"));

        var first = Task.Run(() => client.Noop(mode));
        Assert.That(noopArrived.Wait(Timeouts.Wait), Is.True);
        var second = Assert.ThrowsAsync<InvalidOperationException>(() => client.Noop(mode));
        Assert.That(second!.Message, Does.Contain("busy").And.Contain(p.Name));
        release.Set();
        await first;

        await client.Noop(mode);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Authenticated));
    }

    [Test]
    public async Task A_reply_that_breaks_the_protocol_closes_the_session([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c =>
        {
            p.ServeConnect(c, "PLAIN");
            p.ServeLogin(c);
            Expect(c, "NOOP");
            c.WriteLine("garbage that is no reply");
            c.ReadLine();
        });
        using var client = p.Create(p.Options(server, TlsMode.None));
        await client.Connect(mode);
        await client.Authenticate(mode, new MailCredentials("alice", "secret"));

        Assert.ThrowsAsync<MailProtocolException>(() => client.Noop(mode));

        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        var again = Assert.ThrowsAsync<InvalidOperationException>(() => client.Noop(mode));
        Assert.That(again!.Message, Does.Contain("Connect again"));
    }

    [Test]
    public void Implicit_tls_against_a_plaintext_greeting_says_to_use_starttls([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c =>
        {
            c.WriteLine(p.GreetingLine);
            c.ReadLine();
        });
        using var client = p.Create(p.Options(server, TlsMode.ImplicitTls));

        var error = Assert.ThrowsAsync<TlsModeMismatchException>(() => client.Connect(mode));

        Assert.That(error!.SuggestedMode, Is.EqualTo(TlsMode.StartTlsRequired));
        Assert.That(error.Message, Does.Contain(p.StartTlsVerb));
    }

    [Test]
    public void A_tls_record_where_the_greeting_belongs_says_to_use_implicit_tls([Values] Protocol protocol, [Values] IoMode mode, [Values] bool lineEnd)
    {
        var p = SessionProtocol.For(protocol);

        // A TLS alert record (what some implicit-TLS servers send a client that speaks first or waits too long);
        // without a line end it is recognised when the greeting times out.
        byte[] alert = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];
        using var server = Serve(c =>
        {
            c.Write(lineEnd ? [.. alert, (byte)'\r', (byte)'\n'] : alert);
            c.ReadLine();
        });
        using var client = p.Create(p.Options(server, TlsMode.StartTlsRequired, s_deadline));

        var error = Assert.ThrowsAsync<TlsModeMismatchException>(() => client.Connect(mode));

        Assert.That(error!.SuggestedMode, Is.EqualTo(TlsMode.ImplicitTls));
    }

    [Test]
    public void A_stripped_starttls_fails_when_tls_is_required_and_nothing_secret_is_sent([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c =>
        {
            p.ServeConnect(c, "PLAIN");
            c.ReadLine();
        });
        using var client = p.Create(p.Options(server, TlsMode.StartTlsRequired));

        var error = Assert.ThrowsAsync<MailSecurityException>(() => client.Connect(mode));

        Assert.That(error!.Message, Does.Contain($"did not offer {p.StartTlsVerb}").And.Contain("Nothing secret was sent"));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
    }

    [Test]
    public void A_refused_certificate_is_named_in_the_error_and_the_log([Values] Protocol protocol, [Values] IoMode mode, [Values] bool startTls)
    {
        var p = SessionProtocol.For(protocol);
        var stranger = TestCertificates.Create("localhost");
        using var server = Serve(c =>
        {
            if (startTls)
            {
                c.WriteLine(p.GreetingLine);
                p.ServeCapabilities(c, [p.StartTlsVerb], []);
                Expect(c, p.StartTlsVerb);
                c.WriteLine(protocol == Protocol.Smtp ? "220 2.0.0 ready" : "+OK begin TLS");
            }

            try
            {
                c.UpgradeToTlsAsServer(new TlsServerOptions(stranger));
            }
            catch (TransportException)
            {
                // The client refuses the certificate and hangs up.
            }
        });
        var log = new ListLogger();
        var options = p.Options(server, startTls ? TlsMode.StartTlsRequired : TlsMode.ImplicitTls);
        options.Logger = log;
        using var client = p.Create(options);

        var error = Assert.ThrowsAsync<MailSecurityException>(() => client.Connect(mode));

        var thumbprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stranger.RawData));
        Assert.That(error!.Message, Does.Contain("chain is not trusted").And.Contain("subject \"CN=localhost\"").And.Contain(thumbprint));
        var logged = log.Events.Where(e => e.Id.Name == "CertificateRejected").ToList();
        Assert.That(logged, Has.Count.EqualTo(1));
        Assert.That(logged[0].Id.Id, Is.EqualTo(protocol == Protocol.Smtp ? NetCommEventIds.SmtpCertificateRejected : NetCommEventIds.Pop3CertificateRejected));
        Assert.That(logged[0].Level, Is.EqualTo(LogLevel.Error));
        Assert.That(logged[0].Message, Does.StartWith($"{p.Name} server localhost:{server.LocalEndPoint.Port}: ").And.Contain("chain is not trusted").And.Contain(thumbprint));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
    }

    [Test]
    public void A_connect_that_fails_is_logged_by_both_clients_alike([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        MailClientOptions options;
        using (var gone = Serve(c => { }))
        {
            options = p.Options(gone, TlsMode.None);
        }

        var closedPort = options.Port;
        var log = new ListLogger();
        options.Logger = log;
        using var client = p.Create(options);

        var error = Assert.ThrowsAsync<MailProtocolException>(() => client.Connect(mode));

        var logged = log.Events.Where(e => e.Id.Name == "ConnectFailed").ToList();
        Assert.That(logged, Has.Count.EqualTo(1));
        Assert.That(logged[0].Id.Id, Is.EqualTo(protocol == Protocol.Smtp ? NetCommEventIds.SmtpConnectFailed : NetCommEventIds.Pop3ConnectFailed));
        Assert.That(logged[0].Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(logged[0].Message, Is.EqualTo($"{p.Name} could not connect to localhost:{closedPort}: {error!.Message}"));
    }

    [Test]
    public void A_greeting_that_fails_is_logged_by_both_clients_alike([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c => c.ReadLine());
        var log = new ListLogger();
        var options = p.Options(server, TlsMode.None, s_deadline);
        options.Logger = log;
        using var client = p.Create(options);

        Assert.ThrowsAsync<TimeoutException>(() => client.Connect(mode));

        var logged = log.Events.Where(e => e.Id.Name == "SessionFailed").ToList();
        Assert.That(logged, Has.Count.EqualTo(1));
        Assert.That(logged[0].Id.Id, Is.EqualTo(protocol == Protocol.Smtp ? NetCommEventIds.SmtpSessionFailed : NetCommEventIds.Pop3ConnectionFailed));
        Assert.That(logged[0].Message, Does.Contain("greeting"));
    }

    [Test]
    public async Task The_transcript_can_go_to_the_logger_line_for_line_as_redacted_as_the_writer([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        using var server = Serve(c =>
        {
            p.ServeConnect(c, "PLAIN");
            p.ServeLogin(c);
            Expect(c, "QUIT");
        });
        var log = new ListLogger();
        var writer = new StringWriter();
        var options = p.Options(server, TlsMode.None);
        options.Logger = log;
        options.LogTranscript = true;
        options.Transcript = writer;
        using var client = p.Create(options);

        await client.Connect(mode);
        await client.Authenticate(mode, new MailCredentials("alice", "s3cr3t-pa55"));

        var logged = log.Events.Where(e => e.Id.Name == "Transcript").ToList();
        var written = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(logged.Select(e => e.Message), Is.EqualTo(written.Select(line => $"{p.Name} {line}")));
        Assert.That(logged.Select(e => e.Level), Is.All.EqualTo(LogLevel.Trace));
        Assert.That(logged[0].Id.Id, Is.EqualTo(protocol == Protocol.Smtp ? NetCommEventIds.SmtpTranscript : NetCommEventIds.Pop3Transcript));
        Assert.That(logged.Select(e => e.Message), Has.Some.Contains("C: AUTH PLAIN"));
        Assert.That(string.Join("\n", log.Events.Select(e => e.Message)), Does.Not.Contain("s3cr3t-pa55").And.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0s3cr3t-pa55"))));
    }

    [Test]
    public async Task The_certificate_is_checked_against_the_tls_target_host_and_pins_never_excuse_a_wrong_name([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        var certificate = TestCertificates.Create("mail.example.test");
        using var server = Serve(c =>
        {
            c.UpgradeToTlsAsServer(new TlsServerOptions(certificate));
            p.ServeConnect(c);
            c.ReadLine();
        });
        var pin = "sha256/" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        MailClientOptions Pinned(string? targetHost)
        {
            var options = p.Options(server, TlsMode.ImplicitTls);
            options.Tls = new TlsClientOptions { TargetHost = targetHost, Pins = { pin } };
            return options;
        }

        using (var misnamed = p.Create(Pinned(targetHost: null)))
        {
            Assert.ThrowsAsync<MailSecurityException>(() => misnamed.Connect(mode), "localhost is not on the certificate");
        }

        using var named = p.Create(Pinned("mail.example.test"));
        await named.Connect(mode);
        Assert.That(named.IsConnected, Is.True);
    }

    [Test]
    public void A_connect_that_fails_leaves_the_session_broken_and_clears_what_the_last_session_knew([Values] Protocol protocol, [Values] IoMode mode)
    {
        var p = SessionProtocol.For(protocol);
        MailClientOptions options;
        using (var gone = Serve(c => { }))
        {
            options = p.Options(gone, TlsMode.StartTlsRequired);
        }

        using var client = p.Create(options);

        Assert.CatchAsync(() => client.Connect(mode));

        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.That(client.IsConnected, Is.False);
        Assert.That(client.IsAuthenticated, Is.False);
    }

    private static void SetMechanism(MailClientOptions options, string mechanism)
    {
        switch (options)
        {
            case NetComm.Smtp.SmtpClientOptions smtp:
                smtp.AuthenticationMechanism = mechanism;
                break;
            case NetComm.Pop3.Pop3ClientOptions pop3:
                pop3.AuthenticationMechanism = mechanism;
                break;
        }
    }
}
