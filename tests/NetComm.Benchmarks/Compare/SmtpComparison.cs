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
/// </summary>
internal sealed class SmtpComparison : IComparisonSuite
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

        Run("smtp.one-connection", "msg/s", mailSettings, side => OneConnection(target, message, messages, side == Side.NetComm ? Client.NetComm : Client.MailKitBest).Rate);
        Run("smtp.sessions", "sessions/s", mailSettings, side => Sessions(target, message, sessions, side == Side.NetComm ? Client.NetComm : Client.MailKitBest));
        Run("smtp.alloc-per-msg", "B/msg", mailSettings, side => OneConnection(target, message, messages, side == Side.NetComm ? Client.NetComm : Client.MailKitBest).BytesPerMessage);
        Run("smtp.one-connection-mailkit-defaults", "msg/s", settings with { Rounds = 1 }, side => OneConnection(target, message, settings.Quick ? 20 : 100, side == Side.NetComm ? Client.NetComm : Client.MailKitDefaults).Rate);
    }

    private static void Run(string name, string unit, CompareSettings settings, Func<Side, double> measure)
    {
        if (!settings.Includes(name))
        {
            return;
        }

        try
        {
            var ours = new List<double>();
            var theirs = new List<double>();
            for (var round = 0; round < settings.Rounds; round++)
            {
                ours.Add(measure(Side.NetComm));
                theirs.Add(measure(Side.Baseline));
                Measure.Trace($"{name} round {round + 1}: netcomm={ours[^1]:0} mailkit={theirs[^1]:0}");
            }

            Console.WriteLine(Format(name, unit, Measure.Median(ours), Measure.Median(theirs)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"{name} failed: {e}");
            Console.WriteLine(Format(name, unit, 0, 0));
        }
    }

    /// <summary><c>smtp.one-connection: netcomm=812 msg/s mailkit=640 msg/s ratio=1.27</c>.</summary>
    internal static string Format(string name, string unit, double netcomm, double mailkit)
        => string.Create(CultureInfo.InvariantCulture, $"{name}: netcomm={netcomm:0} {unit} mailkit={mailkit:0} {unit} ratio={(mailkit == 0 ? 0 : netcomm / mailkit):0.00}");

    private enum Client
    {
        NetComm,
        MailKitBest,
        MailKitDefaults,
    }

    private static (double Rate, double BytesPerMessage) OneConnection(SmtpTarget target, MimeMessage message, int count, Client client)
    {
        using var sender = Open(target, client);
        sender.Send(message);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            sender.Send(message);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        sender.Quit();
        return (count / seconds, (double)bytes / count);
    }

    private static double Sessions(SmtpTarget target, MimeMessage message, int count, Client client)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            using var sender = Open(target, client);
            sender.Send(message);
            sender.Quit();
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    private static ISender Open(SmtpTarget target, Client client) => client == Client.NetComm
        ? new NetCommSender(target)
        : new MailKitSender(target, noDelay: client == Client.MailKitBest);

    private interface ISender : IDisposable
    {
        void Send(MimeMessage message);

        void Quit();
    }

    private sealed class NetCommSender : ISender
    {
        private readonly NetCommSmtpClient _client;

        public NetCommSender(SmtpTarget target)
        {
            _client = new NetCommSmtpClient(new SmtpClientOptions
            {
                Host = target.Host,
                Port = target.Port,
                TlsMode = TlsMode.StartTlsRequired,
                LocalDomain = "bench.example.test",
                UseChunking = Environment.GetEnvironmentVariable("NETCOMM_BENCH_SMTP_CHUNKING") != "0",
                Tls = { ReplaceCertificateValidation = (_, c, _, e) => target.Trusts(c, e) },
            });
            _client.Connect();
            _client.Authenticate(new MailCredentials(target.User, target.Password));
        }

        public void Send(MimeMessage message) => _client.Send(message);

        public void Quit() => _client.Disconnect();

        public void Dispose() => _client.Dispose();
    }

    private sealed class MailKitSender : ISender
    {
        private readonly MailKitSmtpClient _client = new();

        public MailKitSender(SmtpTarget target, bool noDelay)
        {
            _client.ServerCertificateValidationCallback = (_, c, _, e) => target.Trusts(c, e);
            _client.LocalDomain = "bench.example.test";
            if (noDelay)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Connect(IPAddress.Loopback, target.Port);
                _client.Connect(socket, target.Host, target.Port, SecureSocketOptions.StartTls);
            }
            else
            {
                _client.Connect(target.Host, target.Port, SecureSocketOptions.StartTls);
            }

            _client.Authenticate(target.User, target.Password);
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
