using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using NetComm.Mail;
using NetComm.Smtp;
using NetCommSmtpClient = NetComm.Smtp.SmtpClient;
using MailKitSmtpClient = MailKit.Net.Smtp.SmtpClient;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// <c>compare smtp</c>: NetComm's SmtpClient against MailKit's, alternating, on the same Postfix sink
/// (the submission port of build/interop.sh, recipients in its discard domain): STARTTLS + AUTH both ways.
/// MailKit gets its best configuration (a NoDelay socket passed to Connect); its defaults are printed for reference.
/// Two more peers: Postfix's C smtp-sink as the server (<see cref="SmtpSink"/>), and Python's smtplib as the client
/// (SmtpComparison.Python.cs).
/// </summary>
internal sealed partial class SmtpComparison : IComparisonSuite
{
    public string Name => "smtp";

    public void Run(CompareSettings settings)
    {
        var target = SmtpTarget.FromEnvironment();
        var messages = settings.Quick ? 100 : 1000;
        var sessions = settings.Quick ? 20 : 200;
        var rounds = Math.Min(settings.Rounds, settings.Quick ? 1 : 3);
        var mailSettings = settings with { Rounds = rounds };
        var message = target.Message();
        var submission = SmtpEndpoint.Submission(target);

        Run("smtp.one-connection", "msg/s", mailSettings, side => OneConnection(submission, message, messages, side == Side.NetComm ? Client.NetComm : Client.MailKitBest).Rate);
        Run("smtp.sessions", "sessions/s", mailSettings, side => Sessions(submission, message, sessions, side == Side.NetComm ? Client.NetComm : Client.MailKitBest));
        Run("smtp.alloc-per-msg", "B/msg", mailSettings, side => OneConnection(submission, message, messages, side == Side.NetComm ? Client.NetComm : Client.MailKitBest).BytesPerMessage);
        Run("smtp.one-connection-mailkit-defaults", "msg/s", settings with { Rounds = 1 }, side => OneConnection(submission, message, settings.Quick ? 20 : 100, side == Side.NetComm ? Client.NetComm : Client.MailKitDefaults).Rate);
        OneConnectionToSink(message, messages, mailSettings);
        SessionsAgainstPython(target, message, sessions, mailSettings);
    }

    private static void Run(string name, string unit, CompareSettings settings, Func<Side, double> measure, bool warmUp = false)
    {
        if (settings.Includes(name))
        {
            PeerRounds.Run(name, unit, "mailkit", settings.Rounds, netcomm => measure(netcomm ? Side.NetComm : Side.Baseline), warmUp);
        }
    }

    /// <summary>
    /// 1,000 messages on one connection to Postfix's C smtp-sink (plain text, no AUTH, PIPELINING, no CHUNKING):
    /// a server that answers far faster than Postfix's queue, so the figure is the client's own speed. A round takes
    /// well under a second, so one untimed round of each side first keeps the JIT out of the first one.
    /// </summary>
    private static void OneConnectionToSink(MimeMessage message, int count, CompareSettings settings)
    {
        if (!settings.Includes("smtp.one-connection-sink") && !settings.Includes("smtp.one-connection-batch-sink"))
        {
            return;
        }

        var sink = new Lazy<SmtpSink>(SmtpSink.Start);
        try
        {
            Run("smtp.one-connection-sink", "msg/s", settings,
                side => OneConnection(SmtpEndpoint.Plain(sink.Value.Host, sink.Value.Port), message, count, side == Side.NetComm ? Client.NetComm : Client.MailKitBest).Rate,
                warmUp: true);

            // The same workload through one SendBatch (the next envelope rides behind each dot), against MailKit one by one.
            Run("smtp.one-connection-batch-sink", "msg/s", settings,
                side => OneConnection(SmtpEndpoint.Plain(sink.Value.Host, sink.Value.Port), message, count, side == Side.NetComm ? Client.NetCommBatch : Client.MailKitBest).Rate,
                warmUp: true);
        }
        finally
        {
            if (sink.IsValueCreated)
            {
                sink.Value.Dispose();
            }
        }
    }

    private enum Client
    {
        NetComm,
        NetCommBatch,
        MailKitBest,
        MailKitDefaults,
    }

    private static (double Rate, double BytesPerMessage) OneConnection(SmtpEndpoint endpoint, MimeMessage message, int count, Client client)
    {
        using var sender = Open(endpoint, client);
        sender.Send(message);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        sender.SendMany(message, count);
        var seconds = clock.Elapsed.TotalSeconds;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        sender.Quit();
        return (count / seconds, (double)bytes / count);
    }

    private static double Sessions(SmtpEndpoint endpoint, MimeMessage message, int count, Client client)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            using var sender = Open(endpoint, client);
            sender.Send(message);
            sender.Quit();
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    private static ISender Open(SmtpEndpoint endpoint, Client client) => client is Client.NetComm or Client.NetCommBatch
        ? new NetCommSender(endpoint, batch: client == Client.NetCommBatch)
        : new MailKitSender(endpoint, noDelay: client == Client.MailKitBest);

    private interface ISender : IDisposable
    {
        void Send(MimeMessage message);

        /// <summary>The measured loop: one by one, or one batch where the client has one.</summary>
        void SendMany(MimeMessage message, int count)
        {
            for (var i = 0; i < count; i++)
            {
                Send(message);
            }
        }

        void Quit();
    }

    private sealed class NetCommSender : ISender
    {
        private readonly NetCommSmtpClient _client;
        private readonly bool _batch;

        public NetCommSender(SmtpEndpoint endpoint, bool batch = false)
        {
            _batch = batch;
            var target = endpoint.Secured;
            var options = new SmtpClientOptions
            {
                Host = endpoint.Host,
                Port = endpoint.Port,
                TlsMode = target is null ? TlsMode.None : TlsMode.StartTlsRequired,
                LocalDomain = "bench.example.test",
                UseChunking = Environment.GetEnvironmentVariable("NETCOMM_BENCH_SMTP_CHUNKING") != "0",
                AuthenticationMechanism = endpoint.Mechanism,
            };
            if (target is not null && endpoint.TrustCaFile)
            {
                options.Tls.AddTrustedRootsFromPemFile(target.CaFile);
            }
            else if (target is not null)
            {
                options.Tls.ReplaceCertificateValidation = (_, c, _, e) => target.Trusts(c, e);
            }

            _client = new NetCommSmtpClient(options);
            _client.Connect();
            if (target is not null)
            {
                _client.Authenticate(new MailCredentials(target.User, target.Password));
            }
        }

        public void Send(MimeMessage message) => _client.Send(message);

        public void SendMany(MimeMessage message, int count)
        {
            if (_batch)
            {
                _client.SendBatch(Enumerable.Repeat(message, count)).EnsureAllSucceeded();
                return;
            }

            for (var i = 0; i < count; i++)
            {
                Send(message);
            }
        }

        public void Quit() => _client.Disconnect();

        public void Dispose() => _client.Dispose();
    }

    private sealed class MailKitSender : ISender
    {
        private readonly MailKitSmtpClient _client = new();

        public MailKitSender(SmtpEndpoint endpoint, bool noDelay)
        {
            var target = endpoint.Secured;
            var security = target is null ? SecureSocketOptions.None : SecureSocketOptions.StartTls;
            if (target is not null)
            {
                _client.ServerCertificateValidationCallback = (_, c, _, e) => target.Trusts(c, e);
            }

            _client.LocalDomain = "bench.example.test";
            if (noDelay)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Connect(IPAddress.Loopback, endpoint.Port);
                _client.Connect(socket, endpoint.Host, endpoint.Port, security);
            }
            else
            {
                _client.Connect(endpoint.Host, endpoint.Port, security);
            }

            if (target is not null)
            {
                _client.Authenticate(target.User, target.Password);
            }
        }

        public void Send(MimeMessage message) => _client.Send(message);

        public void Quit() => _client.Disconnect(quit: true);

        public void Dispose() => _client.Dispose();
    }
}

/// <summary>The Postfix sink that build/interop.sh started (its interop.env), and the benchmark message.</summary>
internal sealed class SmtpTarget
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public required string User { get; init; }

    public required string Password { get; init; }

    public required string DiscardDomain { get; init; }

    public required X509Certificate2 Ca { get; init; }

    /// <summary>The interop CA's PEM file, for peers that load it themselves.</summary>
    public required string CaFile { get; init; }

    public static SmtpTarget FromEnvironment()
    {
        var values = InteropEnv.Load();
        return new SmtpTarget
        {
            Host = values["NETCOMM_INTEROP_TLS_HOST"],
            Port = int.Parse(values["NETCOMM_INTEROP_SMTP_SUBMISSION_PORT"], CultureInfo.InvariantCulture),
            User = values["NETCOMM_INTEROP_ALICE_USER"],
            Password = values["NETCOMM_INTEROP_ALICE_PASS"],
            DiscardDomain = values["NETCOMM_INTEROP_DISCARD_DOMAIN"],
            Ca = X509CertificateLoader.LoadCertificateFromFile(values["NETCOMM_INTEROP_CA_CERT"]),
            CaFile = values["NETCOMM_INTEROP_CA_CERT"],
        };
    }

    public bool Trusts(System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Net.Security.SslPolicyErrors errors)
    {
        if (certificate is null || (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }

    /// <summary>About 10 KB: multipart/alternative plus a small attachment, to the discard domain.</summary>
    public MimeMessage Message()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Bench", $"bench@{DiscardDomain}"));
        message.To.Add(new MailboxAddress("Sink", $"sink@{DiscardDomain}"));
        message.Subject = "benchmark message";
        var text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 80));
        var builder = new BodyBuilder
        {
            TextBody = text,
            HtmlBody = $"<html><body><p>{text}</p></body></html>",
        };
        builder.Attachments.Add("data.bin", Encoding.ASCII.GetBytes(new string('d', 1500)), new ContentType("application", "octet-stream"));
        message.Body = builder.ToMessageBody();
        return message;
    }
}

/// <summary>The interop servers' settings, or a clear error when build/interop.sh has not started them.</summary>
internal static class InteropEnv
{
    public static Dictionary<string, string> Load()
    {
        var values = NetComm.Shared.InteropEnvFile.Load();
        if (!values.ContainsKey("NETCOMM_INTEROP_SMTP_SUBMISSION_PORT"))
        {
            throw new InvalidOperationException("No interop servers: run 'bash build/interop.sh start' (INTEROP_BENCH=1 for the POP3 mailboxes) or set NETCOMM_INTEROP_ENV.");
        }

        return values;
    }
}
