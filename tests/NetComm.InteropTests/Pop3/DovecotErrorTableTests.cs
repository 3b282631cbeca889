using System.Net;
using System.Net.Sockets;
using NetComm.Mail;
using NetComm.Pop3;

namespace NetComm.InteropTests.Pop3;

/// <summary>
/// The rows of docs/pop3.md "Errors" that a real server can produce, each proven against Dovecot: the exception, the
/// properties the row names, and the session afterwards. Rows proven elsewhere against Dovecot:
/// a refused RETR in a batch and <see cref="Pop3BatchException"/> (<see cref="DovecotPop3Tests.A_refused_retr_in_a_batch_is_reported_and_the_session_goes_on"/>),
/// a wrong password (<see cref="DovecotLoginTests.A_wrong_password_fails_once_with_the_auth_response_code"/>),
/// no TLS for a password (<see cref="DovecotLoginTests.Plaintext_login_is_refused_unless_allowed"/>),
/// a certificate refused (<see cref="DovecotPop3Tests.An_untrusted_ca_and_a_wrong_name_are_named_in_the_error"/>),
/// the wrong TLS mode (<see cref="DovecotLoginTests.The_implicit_tls_setting_on_the_plaintext_port_is_diagnosed"/>)
/// and the greeting timeout (<see cref="DovecotLoginTests.The_stls_setting_on_the_implicit_tls_port_times_out_with_a_hint"/>).
/// Nothing here commits: alice's maildrop is left as it was.
/// </summary>
[TestFixture]
[NonParallelizable]
public class DovecotErrorTableTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(10);

    private static Pop3ClientOptions Bounded(TlsMode mode = TlsMode.StartTlsRequired, Action<Pop3ClientOptions>? configure = null)
        => DovecotEnvironment.Options(mode, o =>
        {
            o.ConnectTimeout = Short;
            o.GreetingTimeout = Short;
            o.CommandTimeout = Short;
            o.DataTimeout = Short;
            configure?.Invoke(o);
        });

    private static async Task<Pop3Client> AliceAsync(Action<Pop3ClientOptions>? configure = null)
    {
        var client = new Pop3Client(Bounded(configure: configure));
        await client.ConnectAsync();
        await client.AuthenticateAsync(DovecotEnvironment.Credentials("alice"));
        return client;
    }

    /// <summary>"usable": logged in and connected as before, and the next command works.</summary>
    private static async Task AssertUsableAsync(Pop3Client client)
    {
        Assert.That(client.State, Is.EqualTo(MailSessionState.Authenticated));
        Assert.That(client.IsConnected, Is.True);
        Assert.That((await client.StatAsync()).Count, Is.EqualTo(DovecotEnvironment.Manifest("alice").Count));
    }

    /// <summary>"closed": the connection is gone, and every call but Connect or Abandon says to connect again.</summary>
    private static void AssertClosed(Pop3Client client)
    {
        Assert.That(client.State, Is.EqualTo(MailSessionState.Broken));
        Assert.That(client.IsConnected, Is.False);
        Assert.That(() => client.Noop(), Throws.InvalidOperationException.With.Message.Contains("call Connect again"));
    }

    [Test]
    public async Task ArgumentException_a_caller_mistake_is_found_before_any_io_and_the_session_is_untouched()
    {
        var transcript = new StringWriter();
        await using var client = await AliceAsync(o => o.Transcript = transcript);
        var before = transcript.ToString();

        Assert.CatchAsync<ArgumentException>(() => client.RetrieveAsync(0));
        Assert.CatchAsync<ArgumentException>(() => client.DeleteAsync(0));
        Assert.CatchAsync<ArgumentException>(() => client.TopAsync(1, -1));
        Assert.CatchAsync<ArgumentException>(() => client.RetrieveAsync([1, 0]));
        Assert.CatchAsync<ArgumentException>(() => client.CopyMessageToAsync(1, null!));

        Assert.That(transcript.ToString(), Is.EqualTo(before), "not a byte was sent");
        await AssertUsableAsync(client);
    }

    [Test]
    public async Task InvalidOperationException_a_call_in_the_wrong_state_and_the_session_is_untouched()
    {
        var transcript = new StringWriter();
        await using var client = new Pop3Client(Bounded(configure: o => o.Transcript = transcript));
        Assert.ThrowsAsync<InvalidOperationException>(() => client.StatAsync());
        Assert.That(client.State, Is.EqualTo(MailSessionState.Disconnected));

        await client.ConnectAsync();
        var before = transcript.ToString();
        Assert.ThrowsAsync<InvalidOperationException>(() => client.StatAsync());
        Assert.ThrowsAsync<InvalidOperationException>(() => client.RetrieveAsync(1));
        Assert.ThrowsAsync<InvalidOperationException>(() => client.DeleteAsync(1));
        Assert.ThrowsAsync<InvalidOperationException>(() => client.ConnectAsync());
        Assert.That(transcript.ToString(), Is.EqualTo(before), "not a byte was sent");
        Assert.That(client.State, Is.EqualTo(MailSessionState.Secured));

        await client.AuthenticateAsync(DovecotEnvironment.Credentials("alice"));
        before = transcript.ToString();
        Assert.ThrowsAsync<InvalidOperationException>(() => client.AuthenticateAsync(DovecotEnvironment.Credentials("alice")));
        Assert.That(transcript.ToString(), Is.EqualTo(before), "not a byte was sent");
        await AssertUsableAsync(client);
    }

    [Test]
    public async Task Pop3CommandException_retr_of_a_missing_message_number_and_the_session_stays_usable([Values] bool pipelining)
    {
        await using var client = await AliceAsync(o => o.UsePipelining = pipelining);

        var error = Assert.ThrowsAsync<Pop3CommandException>(() => client.RetrieveAsync(99));

        Assert.That(error!.MessageNumber, Is.EqualTo(99));
        Assert.That(error.Command, Is.EqualTo("RETR 99"));
        Assert.That(error.ServerReply, Does.StartWith("-ERR"));
        Assert.That(error.ResponseCode, Is.Null);
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.EndsSession, Is.False);
        await AssertUsableAsync(client);
        Assert.That((await client.RetrieveAsync(1)).Subject, Is.EqualTo(DovecotEnvironment.Manifest("alice")[0].Subject));
    }

    [Test]
    public async Task Pop3CommandException_dele_twice_and_the_session_stays_usable()
    {
        await using var client = await AliceAsync();
        await client.DeleteAsync(2);

        var error = Assert.ThrowsAsync<Pop3CommandException>(() => client.DeleteAsync(2));

        Assert.That(error!.MessageNumber, Is.EqualTo(2));
        Assert.That(error.Command, Is.EqualTo("DELE 2"));
        Assert.That(error.ServerReply, Does.StartWith("-ERR"));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.EndsSession, Is.False);
        Assert.That(client.PendingDeletions, Is.EqualTo(new[] { 2 }));
        Assert.That(client.State, Is.EqualTo(MailSessionState.Authenticated));
        Assert.That((await client.StatAsync()).Count, Is.EqualTo(DovecotEnvironment.Manifest("alice").Count - 1));
        await client.ResetAsync();
        await AssertUsableAsync(client);
        await client.AbandonAsync();
    }

    [Test]
    public async Task MailAuthenticationException_no_usable_method_and_the_session_stays_usable_not_logged_in()
    {
        await using var client = new Pop3Client(Bounded(configure: o => o.AuthenticationMechanism = "GSSAPI"));
        await client.ConnectAsync();

        var error = Assert.ThrowsAsync<MailAuthenticationException>(() => client.AuthenticateAsync(DovecotEnvironment.Credentials("alice")));

        Assert.That(error!.MechanismsAfterTls, Does.Contain("SCRAM-SHA-256").And.Not.Contain("GSSAPI"));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.EndsSession, Is.False);
        Assert.That(client.IsAuthenticated, Is.False);
        Assert.That(client.State, Is.EqualTo(MailSessionState.Secured));
        Assert.That(client.IsConnected, Is.True);
        Assert.ThrowsAsync<InvalidOperationException>(() => client.StatAsync(), "not logged in");

        client.Options.AuthenticationMechanism = null;
        await client.AuthenticateAsync(DovecotEnvironment.Credentials("alice"));
        await AssertUsableAsync(client);
    }

    [Test]
    public async Task Callback_exception_is_rethrown_whatever_its_type_and_the_session_stays_usable([Values] bool pipelining, [Values] bool ioException)
    {
        await using var client = await AliceAsync(o => o.UsePipelining = pipelining);
        var seen = new List<int>();
        Exception thrown = ioException ? new IOException("disk full") : new InvalidOperationException("callback failed");

        var error = Assert.CatchAsync<Exception>(() => client.RetrieveEachAsync([1, 2, 3], async (n, content, ct) =>
        {
            seen.Add(n);
            await content.ReadExactlyAsync(new byte[10], ct);
            throw thrown;
        }));

        Assert.That(error, Is.SameAs(thrown));
        Assert.That(seen, Is.EqualTo(new[] { 1 }), "no further message handed over");
        await AssertUsableAsync(client);
        Assert.That((await client.RetrieveAsync(3)).Subject, Is.EqualTo(DovecotEnvironment.Manifest("alice")[2].Subject), "the replies already asked for were drained");
    }

    [Test]
    public void MailProtocolException_could_not_connect_and_the_session_is_closed()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }

        using var client = new Pop3Client(Bounded(TlsMode.None, o => o.Port = port));

        var error = Assert.Throws<MailProtocolException>(() => client.Connect());

        Assert.That(error!.Message, Does.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        AssertClosed(client);
    }

    [Test]
    public void MailProtocolException_a_reply_over_its_budget_closes_the_session()
    {
        // Dovecot's CAPA list has about ten lines.
        using var client = new Pop3Client(Bounded(configure: o => o.MaxReplyLines = 3));

        Assert.Throws<MailProtocolException>(() => client.Connect());

        AssertClosed(client);
    }

    [Test]
    public async Task OperationCanceledException_untouched_before_any_io_closed_once_the_conversation_started()
    {
        await using var client = await AliceAsync();
        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync();
            Assert.CatchAsync<OperationCanceledException>(() => client.NoopAsync(cancelled.Token));
            Assert.CatchAsync<OperationCanceledException>(() => client.StatAsync(cancelled.Token));
        }

        await AssertUsableAsync(client);

        // Cancelled while a 20 MB message arrives: the rest of it is still on the wire, so the connection is closed.
        await using var big = new Pop3Client(Bounded());
        await big.ConnectAsync();
        await big.AuthenticateAsync(DovecotEnvironment.Credentials("big"));
        using var midway = new CancellationTokenSource();
        var sink = new MemoryStream();
        var progress = new InlineProgress(p =>
        {
            if (p.BytesTransferred > 0)
            {
                midway.Cancel();
            }
        });

        Assert.CatchAsync<OperationCanceledException>(() => big.CopyMessageToAsync(1, sink, progress, midway.Token));

        Assert.That(sink.Length, Is.LessThan(DovecotEnvironment.Manifest("big").Single().Octets));
        AssertClosed(big);
    }

    private sealed class InlineProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }
}
