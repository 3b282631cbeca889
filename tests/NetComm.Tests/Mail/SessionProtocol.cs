using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Smtp;
using NetComm.Tests.Pop3.Fixtures;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Mail;

/// <summary>Which protocol a shared session rule is checked against.</summary>
public enum Protocol
{
    Smtp,
    Pop3,
}

/// <summary>
/// The server half and the client half of one protocol, in the shape the shared rules need: the behaviour suite
/// writes each rule once and runs it against SMTP and POP3 alike.
/// </summary>
public abstract class SessionProtocol
{
    public static SessionProtocol For(Protocol protocol) => protocol == Protocol.Smtp ? new SmtpSide() : new Pop3Side();

    public abstract string Name { get; }

    public abstract string GreetingLine { get; }

    public abstract string OkLine { get; }

    public abstract string StartTlsVerb { get; }

    /// <summary>Accepts the greeting exchange up to the point the client is connected, offering <paramref name="mechanisms"/>.</summary>
    public abstract void ServeConnect(ITcpConnection c, params string[] mechanisms);

    /// <summary>Reads lines until the capability request (EHLO or CAPA), then answers with <paramref name="lines"/> extra capability lines.</summary>
    public abstract void ServeCapabilities(ITcpConnection c, IEnumerable<string> lines, string[] mechanisms);

    public abstract string Challenge(string base64);

    /// <summary>Accepts a login: the client's AUTH line, then the success reply (and, for POP3, the CAPA read again after login).</summary>
    public void ServeLogin(ITcpConnection c)
    {
        SessionScript.Expect(c, "AUTH PLAIN");
        AcceptLogin(c);
    }

    /// <summary>Ends a login the script has read: the success reply (and, for POP3, the CAPA read again after login).</summary>
    public void AcceptLogin(ITcpConnection c)
    {
        c.WriteLine(AuthAccepted);
        AfterLogin(c);
    }

    protected virtual void AfterLogin(ITcpConnection c)
    {
    }

    public abstract string AuthAccepted { get; }

    public abstract string AuthRefused { get; }

    public abstract MailClientOptions Options(ITcpServer server, TlsMode mode, TimeSpan? commandTimeout = null);

    public abstract IClientUnderTest Create(MailClientOptions options);

    /// <summary>The mechanisms to exercise for credential checks, and what each needs.</summary>
    public abstract IEnumerable<string> LoginMethods { get; }

    private sealed class SmtpSide : SessionProtocol
    {
        public override string Name => "SMTP";

        public override string GreetingLine => "220 localhost ESMTP ready";

        public override string OkLine => "250 ok";

        public override string StartTlsVerb => "STARTTLS";

        public override void ServeConnect(ITcpConnection c, params string[] mechanisms)
        {
            c.WriteLine(GreetingLine);
            ServeCapabilities(c, [], mechanisms);
        }

        public override void ServeCapabilities(ITcpConnection c, IEnumerable<string> lines, string[] mechanisms)
        {
            SessionScript.Expect(c, "EHLO");
            var all = new List<string> { "localhost" };
            all.AddRange(lines);
            if (mechanisms.Length > 0)
            {
                all.Add("AUTH " + string.Join(' ', mechanisms));
            }

            for (var i = 0; i < all.Count; i++)
            {
                c.WriteLine($"250{(i == all.Count - 1 ? ' ' : '-')}{all[i]}");
            }
        }

        public override string Challenge(string base64) => "334 " + base64;

        public override string AuthAccepted => "235 2.7.0 Authentication successful";

        public override string AuthRefused => "501 5.7.0 Authentication cancelled";

        public override IEnumerable<string> LoginMethods => ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "XOAUTH2"];

        public override MailClientOptions Options(ITcpServer server, TlsMode mode, TimeSpan? commandTimeout = null) => new SmtpClientOptions
        {
            Host = "localhost",
            Port = server.LocalEndPoint.Port,
            TlsMode = mode,
            LocalDomain = "client.example.test",
            AllowPlaintextAuthentication = true,
            CommandTimeout = commandTimeout ?? Timeouts.Wait,
            GreetingTimeout = commandTimeout ?? Timeouts.Wait,
            ConnectTimeout = Timeouts.Wait,
            Tls = new TlsClientOptions { TrustedRoots = { TestCertificates.Localhost } },
        };

        public override IClientUnderTest Create(MailClientOptions options) => new SmtpUnderTest(new SmtpClient((SmtpClientOptions)options));
    }

    private sealed class Pop3Side : SessionProtocol
    {
        public override string Name => "POP3";

        public override string GreetingLine => "+OK POP3 ready";

        public override string OkLine => "+OK";

        public override string StartTlsVerb => "STLS";

        public override void ServeConnect(ITcpConnection c, params string[] mechanisms)
        {
            c.WriteLine(GreetingLine);
            ServeCapabilities(c, [], mechanisms);
        }

        public override void ServeCapabilities(ITcpConnection c, IEnumerable<string> lines, string[] mechanisms)
        {
            SessionScript.Expect(c, "CAPA");
            c.WriteLine("+OK capabilities follow");
            c.WriteLine("USER");
            foreach (var line in lines)
            {
                c.WriteLine(line);
            }

            if (mechanisms.Length > 0)
            {
                c.WriteLine("SASL " + string.Join(' ', mechanisms));
            }

            c.WriteLine(".");
        }

        public override string Challenge(string base64) => "+ " + base64;

        protected override void AfterLogin(ITcpConnection c) => ServeCapabilities(c, [], ["PLAIN"]);

        public override string AuthAccepted => "+OK logged in";

        public override string AuthRefused => "-ERR [AUTH] cancelled";

        public override IEnumerable<string> LoginMethods => ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "XOAUTH2", "USER"];

        public override MailClientOptions Options(ITcpServer server, TlsMode mode, TimeSpan? commandTimeout = null) => new Pop3ClientOptions
        {
            Host = "localhost",
            Port = server.LocalEndPoint.Port,
            TlsMode = mode,
            AllowPlaintextAuthentication = true,
            CommandTimeout = commandTimeout ?? Timeouts.Wait,
            GreetingTimeout = commandTimeout ?? Timeouts.Wait,
            ConnectTimeout = Timeouts.Wait,
            Tls = new TlsClientOptions { TrustedRoots = { TestCertificates.Localhost } },
        };

        public override IClientUnderTest Create(MailClientOptions options) => new Pop3UnderTest(new Pop3Client((Pop3ClientOptions)options));
    }
}

/// <summary>The calls the shared rules make, on either client, in either API half.</summary>
public interface IClientUnderTest : IDisposable
{
    MailSessionState State { get; }

    bool IsConnected { get; }

    bool IsAuthenticated { get; }

    Task Connect(IoMode mode, CancellationToken cancellationToken = default);

    Task Authenticate(IoMode mode, MailCredentials credentials, CancellationToken cancellationToken = default);

    Task Noop(IoMode mode, CancellationToken cancellationToken = default);
}

internal sealed class SmtpUnderTest(SmtpClient client) : IClientUnderTest
{
    public SmtpClient Client => client;

    public MailSessionState State => client.State;

    public bool IsConnected => client.IsConnected;

    public bool IsAuthenticated => client.IsAuthenticated;

    public Task Connect(IoMode mode, CancellationToken cancellationToken = default)
        => Io.Call(mode, () => client.Connect(cancellationToken), () => client.ConnectAsync(cancellationToken));

    public Task Authenticate(IoMode mode, MailCredentials credentials, CancellationToken cancellationToken = default)
        => Io.Call(mode, () => client.Authenticate(credentials, cancellationToken), () => client.AuthenticateAsync(credentials, cancellationToken));

    public Task Noop(IoMode mode, CancellationToken cancellationToken = default)
        => Io.Call(mode, () => client.Noop(cancellationToken), () => client.NoopAsync(cancellationToken));

    public void Dispose() => client.Dispose();
}

internal sealed class Pop3UnderTest(Pop3Client client) : IClientUnderTest
{
    public MailSessionState State => client.State;

    public bool IsConnected => client.IsConnected;

    public bool IsAuthenticated => client.IsAuthenticated;

    public Task Connect(IoMode mode, CancellationToken cancellationToken = default)
        => Io.Call(mode, () => client.Connect(cancellationToken), () => client.ConnectAsync(cancellationToken));

    public Task Authenticate(IoMode mode, MailCredentials credentials, CancellationToken cancellationToken = default)
        => Io.Call(mode, () => client.Authenticate(credentials, cancellationToken), () => client.AuthenticateAsync(credentials, cancellationToken));

    public Task Noop(IoMode mode, CancellationToken cancellationToken = default)
        => Io.Call(mode, () => client.Noop(cancellationToken), () => client.NoopAsync(cancellationToken));

    public void Dispose() => client.Dispose();
}
