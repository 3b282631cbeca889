using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MailKit.Security;
using NetComm.Mail;
using NetComm.Pop3;
using MailKitPop3Client = MailKit.Net.Pop3.Pop3Client;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// <c>compare pop3 [--quick] [--rounds N] [--only PREFIX]</c>: NetComm's Pop3Client against MailKit 4.18.2 on the
/// Dovecot of build/interop.sh (started with INTEROP_BENCH=1: mailboxes <c>bench</c>, 1,000 x 10 KB, and
/// <c>bench20m</c>, 10 x 20 MB). Rounds alternate NetComm and MailKit after one untimed warm-up each; medians are
/// printed as <c>name: netcomm=X unit mailkit=Y unit ratio=X/Y</c>. Both sides log in with SASL PLAIN (so no side
/// pays for SCRAM's key stretching) and use their blocking API. MailKit gets its best: a socket with NoDelay passed
/// to Connect, and its pipelined batch GetStreams. One line races Python's poplib instead (Pop3Comparison.Python.cs).
/// </summary>
internal static partial class Pop3Comparison
{
    private const int SmallCount = 1000;
    private const int LargeCount = 10;

    public static Task<int> RunAsync(string[] args)
    {
        var rounds = 5;
        string? only = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    rounds = 1;
                    break;
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
                    rounds = n;
                    i++;
                    break;
                case "--only" when i + 1 < args.Length:
                    only = args[++i];
                    break;
                default:
                    break;
            }
        }

        var server = BenchServer.Load();
        if (server is null)
        {
            Console.Error.WriteLine("compare pop3: no interop servers (run 'INTEROP_BENCH=1 bash build/interop.sh start'; it writes artifacts/interop/interop.env)");
            return Task.FromResult(2);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"compare pop3: Dovecot 127.0.0.1:{server.Port} rounds={rounds} (netcomm/mailkit interleaved, median of each) mailkit=4.18.2 runtime={Environment.Version}"));
        var failed = false;
        void Workload(string name, string unit, Func<bool, double> run, string peer = "mailkit")
        {
            if (only is null || name.StartsWith(only, StringComparison.Ordinal))
            {
                failed |= !PeerRounds.Run(name, unit, peer, rounds, run, warmUp: true);
            }
        }

        Workload("pop3.retr-1000x10k", "msg/s", netcomm => SmallMessages(server, tls: false, netcomm));
        Workload("pop3.retr-1000x10k-tls", "msg/s", netcomm => SmallMessages(server, tls: true, netcomm));
        Workload("pop3.retr-1000x10k-python", "msg/s", netcomm => netcomm ? SmallMessages(server, tls: false, netcomm) : SmallMessagesInPython(server), peer: "python");
        var peaks = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        Workload("pop3.retr-10x20m", "MB/s", netcomm =>
        {
            var (rate, peakKiB) = LargeMessages(server, Pop3Security.None, netcomm);
            peaks[netcomm].Add(peakKiB);
            return rate;
        });
        Workload("pop3.retr-10x20m-tls", "MB/s", netcomm => LargeMessages(server, Pop3Security.ImplicitTls, netcomm, mailKitPipelined: true).MBps);
        if (peaks[true].Count > 0 && (only is null || "pop3.peak-memory-20m".StartsWith(only, StringComparison.Ordinal)))
        {
            // The warm-up rounds are excluded like everywhere else.
            Console.WriteLine(PeerRounds.Format("pop3.peak-memory-20m", "KiB", "mailkit", Median(peaks[true].Skip(1).ToList()), Median(peaks[false].Skip(1).ToList())));
        }

        return Task.FromResult(failed ? 1 : 0);
    }

    /// <summary>
    /// STAT, UIDL and RETR of all 1,000 ~10 KB messages, each downloaded into memory as its raw bytes; messages per
    /// second. Raw, not parsed: parsing is MimeKit's work, the same code on both sides, and would only dilute what
    /// the clients themselves do. MailKit's batch GetStreams (pipelined, each message in a MemoryBlockStream) against
    /// NetComm's RetrieveEach into one MemoryStream per message.
    /// </summary>
    private static double SmallMessages(BenchServer server, bool tls, bool netcomm)
    {
        // Timed from STAT on: connecting and logging in cost the same on both sides (Dovecot's auth process dominates).
        var clock = new Stopwatch();
        int count;
        if (netcomm)
        {
            using var client = new Pop3Client(server.NetCommOptions(tls ? Pop3Security.Stls : Pop3Security.None));
            client.Connect();
            client.Authenticate(server.Bench);
            clock.Start();
            var stat = client.Stat();
            var uids = client.Uidl();
            var messages = new List<MemoryStream>(stat.Count);
            client.RetrieveEach(Enumerable.Range(1, stat.Count), (_, content) =>
            {
                var copy = new MemoryStream();
                content.CopyTo(copy);
                messages.Add(copy);
            });
            count = Check(messages.Count, uids.Count);
            clock.Stop();
            client.Abandon();
        }
        else
        {
            using var client = server.MailKit(tls ? Pop3Security.Stls : Pop3Security.None);
            client.Authenticate(new SaslMechanismPlain(server.Bench.UserName, server.Bench.Password!));
            clock.Start();
            var total = client.GetMessageCount();
            var uids = client.GetMessageUids();
            var messages = client.GetStreams(Enumerable.Range(0, total).ToList());
            count = Check(messages.Count, uids.Count);
            clock.Stop();
            client.Disconnect(quit: true);
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// RETR of the ten ~20 MB messages into a stream that keeps nothing; MB/s, and the peak memory of the run.
    /// MailKit's best here is GetStream per message: its batch GetStreams returns all ten 20 MB streams at once
    /// (the same speed, ten times the memory). The POP3S line uses the batch anyway (<paramref name="mailKitPipelined"/>),
    /// as the small-message lines do; it measured the same MB/s as GetStream per message.
    /// </summary>
    private static (double MBps, double PeakKiB) LargeMessages(BenchServer server, Pop3Security security, bool netcomm, bool mailKitPipelined = false)
    {
        using var sampler = new PeakMemorySampler();
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        if (netcomm)
        {
            using var client = new Pop3Client(server.NetCommOptions(security));
            client.Connect();
            client.Authenticate(server.Bench20m);
            for (var n = 1; n <= LargeCount; n++)
            {
                bytes += client.CopyMessageTo(n, Stream.Null);
            }

            clock.Stop();
            client.Abandon();
        }
        else
        {
            using var client = server.MailKit(security);
            client.Authenticate(new SaslMechanismPlain(server.Bench20m.UserName, server.Bench20m.Password!));
            var streams = mailKitPipelined
                ? client.GetStreams(Enumerable.Range(0, LargeCount).ToList())
                : Enumerable.Range(0, LargeCount).Select(i => client.GetStream(i));
            foreach (var stream in streams)
            {
                using (stream)
                {
                    bytes += stream.Length;
                    stream.CopyTo(Stream.Null);
                }
            }

            clock.Stop();
            client.Disconnect(quit: true);
        }

        return (bytes / 1e6 / clock.Elapsed.TotalSeconds, sampler.PeakKiB());
    }

    private static int Check(int messages, int uids)
        => messages == SmallCount && uids == SmallCount
            ? messages
            : throw new InvalidOperationException($"expected {SmallCount} messages and uids, got {messages} and {uids}: rebuild with 'INTEROP_BENCH=1 bash build/interop.sh reset-mail bench'");

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /// <summary>
    /// The peak memory a run adds: the managed heap in use (GC.GetTotalMemory, sampled every millisecond on its own
    /// thread) plus native memory (the rise of the resident set beyond what the GC committed meanwhile), over the
    /// level after a full collection at the start. The sampler itself allocates nothing, so it does not count itself.
    /// </summary>
    private sealed class PeakMemorySampler : IDisposable
    {
        private readonly Thread _thread;
        private readonly Microsoft.Win32.SafeHandles.SafeFileHandle? _statm;
        private readonly byte[] _statmBuffer = new byte[256];
        private readonly long _managedBaseline;
        private readonly long _residentBaseline;
        private readonly long _committedBaseline;
        private volatile bool _stop;
        private long _managedPeak;
        private long _residentPeak;

        public PeakMemorySampler()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            _statm = File.Exists("/proc/self/statm") ? File.OpenHandle("/proc/self/statm") : null;
            _committedBaseline = GC.GetGCMemoryInfo().TotalCommittedBytes;
            _managedBaseline = _managedPeak = GC.GetTotalMemory(forceFullCollection: false);
            _residentBaseline = _residentPeak = ResidentBytes();
            _thread = new Thread(Run) { IsBackground = true, Name = "pop3 bench memory sampler" };
            _thread.Start();
        }

        public double PeakKiB()
        {
            Stop();
            var managed = _managedPeak - _managedBaseline;
            var committed = Math.Max(0, GC.GetGCMemoryInfo().TotalCommittedBytes - _committedBaseline);
            var native = Math.Max(0, _residentPeak - _residentBaseline - committed);
            return (Math.Max(0, managed) + native) / 1024.0;
        }

        public void Dispose()
        {
            Stop();
            _statm?.Dispose();
        }

        private void Stop()
        {
            _stop = true;
            _thread.Join();
        }

        private void Run()
        {
            while (!_stop)
            {
                _managedPeak = Math.Max(_managedPeak, GC.GetTotalMemory(forceFullCollection: false));
                _residentPeak = Math.Max(_residentPeak, ResidentBytes());
                Thread.Sleep(1);
            }
        }

        /// <summary>The second field of /proc/self/statm (resident pages), read into a reused buffer.</summary>
        private long ResidentBytes()
        {
            if (_statm is null)
            {
                return 0;
            }

            var length = RandomAccess.Read(_statm, _statmBuffer, 0);
            var text = _statmBuffer.AsSpan(0, length);
            var space = text.IndexOf((byte)' ');
            var rest = text[(space + 1)..];
            var end = rest.IndexOf((byte)' ');
            return System.Buffers.Text.Utf8Parser.TryParse(end < 0 ? rest : rest[..end], out long pages, out _)
                ? pages * Environment.SystemPageSize
                : 0;
        }
    }

    /// <summary>The benchmark mailboxes of build/interop.sh, from NETCOMM_INTEROP_* variables or artifacts/interop/interop.env.</summary>
    internal sealed class BenchServer
    {
        private readonly Dictionary<string, string> _values;
        private readonly X509Certificate2 _ca;

        private BenchServer(Dictionary<string, string> values)
        {
            _values = values;
            _ca = X509CertificateLoader.LoadCertificateFromFile(values["NETCOMM_INTEROP_CA_CERT"]);
            Port = int.Parse(values["NETCOMM_INTEROP_POP3_PORT"], CultureInfo.InvariantCulture);
            Bench = new MailCredentials(values["NETCOMM_INTEROP_BENCH_USER"], values["NETCOMM_INTEROP_BENCH_PASS"]);
            Bench20m = new MailCredentials(values["NETCOMM_INTEROP_BENCH20M_USER"], values["NETCOMM_INTEROP_BENCH20M_PASS"]);
        }

        public int Port { get; }

        public MailCredentials Bench { get; }

        public MailCredentials Bench20m { get; }

        public string Host => _values["NETCOMM_INTEROP_HOST"];

        private string TlsHost => _values["NETCOMM_INTEROP_TLS_HOST"];

        public static BenchServer? Load()
        {
            var values = NetComm.Shared.InteropEnvFile.Load();
            foreach (var key in new[] { "HOST", "TLS_HOST", "POP3_PORT", "CA_CERT", "BENCH_USER", "BENCH_PASS", "BENCH20M_USER", "BENCH20M_PASS" })
            {
                if (!values.ContainsKey("NETCOMM_INTEROP_" + key))
                {
                    return null;
                }
            }

            return new BenchServer(values);
        }

        public Pop3ClientOptions NetCommOptions(Pop3Security security)
        {
            var tls = security != Pop3Security.None;
            var options = new Pop3ClientOptions
            {
                Host = tls ? TlsHost : Host,
                Port = PortFor(security),
                TlsMode = security switch
                {
                    Pop3Security.Stls => TlsMode.StartTlsRequired,
                    Pop3Security.ImplicitTls => TlsMode.ImplicitTls,
                    _ => TlsMode.None,
                },
                AllowPlaintextAuthentication = !tls,
                AuthenticationMechanism = "PLAIN",
            };
            options.Tls.ReplaceCertificateValidation = Trust;
            return options;
        }

        public MailKitPop3Client MailKit(Pop3Security security)
        {
            var port = PortFor(security);
            var tls = security != Pop3Security.None;
            var client = new MailKitPop3Client { ServerCertificateValidationCallback = Trust, CheckCertificateRevocation = false };
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Connect(Host, port);
                client.Connect(socket, tls ? TlsHost : Host, port, security switch
                {
                    Pop3Security.Stls => SecureSocketOptions.StartTls,
                    Pop3Security.ImplicitTls => SecureSocketOptions.SslOnConnect,
                    _ => SecureSocketOptions.None,
                });
                return client;
            }
            catch
            {
                socket.Dispose();
                client.Dispose();
                throw;
            }
        }

        /// <summary>POP3S has its own port; an interop.env written before it had one says to restart the servers.</summary>
        private int PortFor(Pop3Security security)
            => security != Pop3Security.ImplicitTls
                ? Port
                : _values.TryGetValue("NETCOMM_INTEROP_POP3S_PORT", out var port)
                    ? int.Parse(port, CultureInfo.InvariantCulture)
                    : throw new InvalidOperationException("interop.env names no POP3S port: restart the servers with 'INTEROP_BENCH=1 bash build/interop.sh start'.");

        /// <summary>Trusts exactly the interop CA, host name still checked: the same rule for both clients.</summary>
        private bool Trust(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.Add(_ca);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return custom.Build(leaf);
        }
    }
}
