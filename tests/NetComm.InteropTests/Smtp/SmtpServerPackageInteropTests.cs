using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NetComm.Mail;
using NetComm.Smtp;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace NetComm.InteropTests.Smtp;

/// <summary>NetComm's SMTP client against the SmtpServer NuGet package in-process, with STARTTLS and AUTH.</summary>
[TestFixture]
public class SmtpServerPackageInteropTests : SmtpInteropBase
{
    private readonly ConcurrentQueue<(string From, string[] To, byte[] Data)> _stored = new();
    private CancellationTokenSource _stop = null!;
    private Task _running = null!;
    private int _port;
    private X509Certificate2 _certificate = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _certificate = CreateCertificate();
        _port = FreePort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, _port)).Certificate(_certificate).AllowUnsecureAuthentication(false))
            .Build();
        var services = new ServiceProvider();
        services.Add(new Store(_stored));
        services.Add(new Users());
        _stop = new CancellationTokenSource();
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
        await WaitForPortAsync(_port);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(Wait);
        }
        catch (OperationCanceledException)
        {
            // Expected on shutdown.
        }

        _stop.Dispose();
        _certificate.Dispose();
    }

    [Test]
    public async Task Starttls_auth_and_send_against_an_independent_server([Values] bool async)
    {
        var options = new SmtpClientOptions
        {
            Host = "localhost",
            Port = _port,
            TlsMode = TlsMode.StartTlsRequired,
            LocalDomain = "client.example.test",
        };
        options.Tls.Pins.Add(Convert.ToHexString(SHA256.HashData(_certificate.RawData)));
        using var client = new SmtpClient(options);
        var message = TutorialMessage("alice@example.test");
        message.Bcc.Add(new MimeKit.MailboxAddress("Hidden", "hidden@example.test"));
        if (async)
        {
            await client.ConnectAsync();
            await client.AuthenticateAsync(new MailCredentials("alice", "alice-pass"));
            await client.SendAsync(message);
            await client.DisconnectAsync();
        }
        else
        {
            client.Connect();
            client.Authenticate(new MailCredentials("alice", "alice-pass"));
            client.Send(message);
            client.Disconnect();
        }

        Assert.That(_stored.TryDequeue(out var stored), Is.True);
        Assert.That(stored.To, Is.EquivalentTo(new[] { "alice@example.test", "hidden@example.test" }));
        // SmtpServer hands its store the content without the CRLF that precedes the final dot.
        Assert.That(Encoding.UTF8.GetString(stored.Data) + "\r\n", Is.EqualTo(Serialized(message)));
    }

    [Test]
    public void A_wrong_password_is_refused_once()
    {
        var options = new SmtpClientOptions { Host = "localhost", Port = _port, TlsMode = TlsMode.StartTlsRequired, LocalDomain = "client.example.test" };
        options.Tls.Pins.Add(Convert.ToHexString(SHA256.HashData(_certificate.RawData)));
        using var client = new SmtpClient(options);
        client.Connect();
        var error = Assert.Throws<MailAuthenticationException>(() => client.Authenticate(new MailCredentials("alice", "nope")));
        Assert.That(error!.StatusCode, Is.EqualTo(535));
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    /// <summary>The package cannot report the port it bound, so ask the OS for a free one first.</summary>
    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    private sealed class Store(ConcurrentQueue<(string From, string[] To, byte[] Data)> sink) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            sink.Enqueue(($"{transaction.From.User}@{transaction.From.Host}", transaction.To.Select(t => $"{t.User}@{t.Host}").ToArray(), buffer.ToArray()));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    private sealed class Users : UserAuthenticator
    {
        public override Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
            => Task.FromResult(user == "alice" && password == "alice-pass");
    }
}
