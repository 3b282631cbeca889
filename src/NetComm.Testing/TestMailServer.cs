using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetComm.Testing.Internal;
using NetComm.Transport;

namespace NetComm.Testing;

/// <summary>
/// An in-process SMTP and POP3 server on loopback ephemeral ports, for testing mail clients. SMTP accepts mail into
/// <see cref="Messages"/> and into the maildrops of the configured users, which POP3 serves. It runs on NetComm's
/// <see cref="TcpServer"/> (a thread per connection), starts and stops in milliseconds, and can inject faults
/// (<see cref="Faults"/>) and record what a client did wrong (<see cref="ProtocolViolations"/>).
/// </summary>
/// <example>
/// <code>
/// await using var server = TestMailServer.Launch(o => o.AddUser("alice", "secret"));
/// // send to alice@example.com through localhost:server.SmtpPort, then:
/// var messages = await server.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10));
/// </code>
/// </example>
public sealed partial class TestMailServer : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly List<ReceivedMessage> _messages = [];
    private readonly List<ProtocolViolation> _violations = [];
    private readonly Dictionary<string, TestMailbox> _mailboxes = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _loggerFactory;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TcpServer? _smtp;
    private TcpServer? _smtps;
    private TcpServer? _pop3;
    private TcpServer? _pop3s;
    private X509Certificate2? _certificate;
    private TlsServerOptions? _tls;
    private TestMailUser[] _users = [];
    private int _state;
    private long _droppedViolations;
    private long _storedBytes;

    /// <summary>Creates a server; call <see cref="Start"/> to listen.</summary>
    public TestMailServer(TestMailServerOptions? options = null)
    {
        Options = options ?? new TestMailServerOptions();
        _loggerFactory = Options.LoggerFactory ?? NullLoggerFactory.Instance;
        Logger = _loggerFactory.CreateLogger("NetComm.Testing.TestMailServer");
        Faults = new TestMailServerFaults();
    }

    /// <summary>Creates and starts a server with default options.</summary>
    /// <exception cref="TransportException">A port could not be bound.</exception>
    public static TestMailServer Launch() => Launch(new TestMailServerOptions());

    /// <summary>Creates and starts a server with <paramref name="options"/>.</summary>
    /// <exception cref="TransportException">A port could not be bound.</exception>
    public static TestMailServer Launch(TestMailServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = new TestMailServer(options);
        server.Start();
        return server;
    }

    /// <summary>Creates a server, lets <paramref name="configure"/> set its options, and starts it.</summary>
    /// <exception cref="TransportException">A port could not be bound.</exception>
    public static TestMailServer Launch(Action<TestMailServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new TestMailServerOptions();
        configure(options);
        return Launch(options);
    }

    /// <summary>The settings.</summary>
    public TestMailServerOptions Options { get; }

    /// <summary>The faults to inject.</summary>
    public TestMailServerFaults Faults { get; }

    /// <summary>Whether the server is listening.</summary>
    public bool IsRunning => Volatile.Read(ref _state) == 1;

    /// <summary>The address every port listens on: 127.0.0.1.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Read as server.Address next to the ports.")]
    public IPAddress Address => IPAddress.Loopback;

    /// <summary>The host name to connect to: "127.0.0.1" (the certificate also names "localhost").</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Read as server.Host next to the ports.")]
    public string Host => "127.0.0.1";

    /// <summary>The plain SMTP port (STARTTLS available).</summary>
    /// <exception cref="InvalidOperationException">The server is not started.</exception>
    public int SmtpPort => PortOf(_smtp);

    /// <summary>The SMTP port with implicit TLS (like 465).</summary>
    /// <exception cref="InvalidOperationException">The server is not started.</exception>
    public int SmtpsPort => PortOf(_smtps);

    /// <summary>The plain POP3 port (STLS available).</summary>
    /// <exception cref="InvalidOperationException">The server is not started.</exception>
    public int Pop3Port => PortOf(_pop3);

    /// <summary>The POP3 port with implicit TLS (like 995).</summary>
    /// <exception cref="InvalidOperationException">The server is not started.</exception>
    public int Pop3sPort => PortOf(_pop3s);

    /// <summary>
    /// The server certificate: <see cref="TestMailServerOptions.Certificate"/>, or a self-signed one for localhost,
    /// 127.0.0.1 and ::1 generated once per process. Trust exactly this one in tests: add it to a NetComm client's <c>Tls.TrustedRoots</c>, or give other clients <see cref="CertificateValidationCallback"/>.
    /// </summary>
    public X509Certificate2 Certificate => _certificate ??= Options.Certificate ?? ServerCertificate.Shared;

    /// <summary>The certificate in PEM form, for clients that read a CA file (Python's <c>ssl.create_default_context(cafile=...)</c>).</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>
    /// A validation callback that accepts exactly <see cref="Certificate"/> (compared by SHA-256 hash), still requiring
    /// the host name to match it: pass it to a client as its server certificate validation callback.
    /// </summary>
    public RemoteCertificateValidationCallback CertificateValidationCallback => ValidateServerCertificate;

    /// <summary>Every message accepted over SMTP, oldest first (a snapshot).</summary>
    public IReadOnlyList<ReceivedMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return _messages.ToArray();
            }
        }
    }

    /// <summary>
    /// Protocol violations seen, oldest first (a snapshot): the first <see cref="TestMailServerOptions.MaxViolations"/>;
    /// later ones are counted in <see cref="DroppedViolations"/>.
    /// </summary>
    public IReadOnlyList<ProtocolViolation> ProtocolViolations
    {
        get
        {
            lock (_gate)
            {
                return _violations.ToArray();
            }
        }
    }

    /// <summary>Violations seen after <see cref="TestMailServerOptions.MaxViolations"/> were kept, and so not recorded.</summary>
    public long DroppedViolations
    {
        get
        {
            lock (_gate)
            {
                return _droppedViolations;
            }
        }
    }

    internal ILogger Logger { get; }

    internal TlsServerOptions TlsOptions => _tls ??= new TlsServerOptions(Certificate) { HandshakeTimeout = Options.ReadTimeout };

    /// <summary>Binds the four ports (127.0.0.1, ephemeral) and starts serving.</summary>
    /// <exception cref="InvalidOperationException">The server was already started, or the options are out of range.</exception>
    /// <exception cref="TransportException">A port could not be bound.</exception>
    public void Start()
    {
        ValidateOptions();
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The server was already started; create a new one to start again.");
        }

        _users = [.. Options.Users];
        _ = TlsOptions;
        try
        {
            // A full plain port answers as mail servers do; a TLS port cannot speak before the handshake, so it resets.
            var smtpBusy = $"421 4.3.2 {Options.HostName} Too many connections, try again later";
            const string pop3Busy = "-ERR [SYS/TEMP] Too many connections, try again later";
            _smtp = Listen("smtp", smtpBusy, (c, s) => new SmtpSession(this, c, implicitTls: false, s).Run());
            _smtps = Listen("smtps", null, (c, s) => new SmtpSession(this, c, implicitTls: true, s).Run());
            _pop3 = Listen("pop3", pop3Busy, (c, s) => new Pop3Session(this, c, implicitTls: false, s).Run());
            _pop3s = Listen("pop3s", null, (c, s) => new Pop3Session(this, c, implicitTls: true, s).Run());
        }
        catch
        {
            StopServers(TimeSpan.FromSeconds(1));
            Volatile.Write(ref _state, 2);
            throw;
        }

        Log.ServerStarted(Logger, Address, SmtpPort, SmtpsPort, Pop3Port, Pop3sPort);
    }

    /// <summary>
    /// Stops listening, closes every session (POP3 sessions cut this way delete nothing) and waits up to
    /// <paramref name="timeout"/> for them; false if some were still running. Recorded messages stay readable.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Stop is the name every server API uses.")]
    public bool Stop(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return true;
        }

        var drained = StopServers(timeout);
        Log.ServerStopped(Logger, drained);
        return drained;
    }

    /// <summary>Asynchronous <see cref="Stop"/>.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return true;
        }

        var results = await Task.WhenAll(
            StopOne(_smtp, timeout, cancellationToken),
            StopOne(_smtps, timeout, cancellationToken),
            StopOne(_pop3, timeout, cancellationToken),
            StopOne(_pop3s, timeout, cancellationToken)).ConfigureAwait(false);
        DisposeServers();
        var drained = results.All(r => r);
        Log.ServerStopped(Logger, drained);
        return drained;

        static Task<bool> StopOne(TcpServer? server, TimeSpan timeout, CancellationToken cancellationToken)
            => server is null ? Task.FromResult(true) : server.StopAsync(timeout, cancellationToken);
    }

    /// <summary>Stops the server (waiting up to 5 s for sessions).</summary>
    public void Dispose() => Stop(s_stopTimeout);

    /// <summary>Stops the server (waiting up to 5 s for sessions).</summary>
    public async ValueTask DisposeAsync() => await StopAsync(s_stopTimeout).ConfigureAwait(false);

    /// <summary>
    /// The maildrop of the user named <paramref name="user"/> (see <see cref="TestMailServerOptions.Users"/>), to
    /// inspect or seed before a POP3 session.
    /// </summary>
    /// <exception cref="ArgumentException">No user has that name.</exception>
    public TestMailbox Mailbox(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var found = FindUser(user) ?? throw new ArgumentException($"No user is named '{user}'; add one to Options.Users.", nameof(user));
        return MailboxOf(found);
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> messages have been accepted and returns them all.
    /// </summary>
    /// <exception cref="TimeoutException">Fewer arrived within <paramref name="timeout"/>; the message says how many, and lists protocol violations.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitForMessagesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_messages.Count >= count)
                {
                    return _messages.ToArray();
                }

                changed = _changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw WaitTimedOut(count, timeout);
            }

            try
            {
                await changed.WaitAsync(left, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw WaitTimedOut(count, timeout);
            }
        }
    }

    /// <summary>Blocking <see cref="WaitForMessagesAsync"/>.</summary>
    /// <exception cref="TimeoutException">Fewer arrived within <paramref name="timeout"/>.</exception>
    public IReadOnlyList<ReceivedMessage> WaitForMessages(int count, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (_messages.Count < count)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                {
                    if (_messages.Count >= count)
                    {
                        break;
                    }

                    throw WaitTimedOut(count, timeout);
                }
            }

            return _messages.ToArray();
        }
    }

    /// <summary>Forgets recorded messages and violations (and their counts) and empties every maildrop. Faults stay (see <see cref="TestMailServerFaults.Clear"/>).</summary>
    public void Clear()
    {
        TestMailbox[] mailboxes;
        lock (_gate)
        {
            _messages.Clear();
            _violations.Clear();
            _droppedViolations = 0;
            _storedBytes = 0;
            mailboxes = [.. _mailboxes.Values];
        }

        foreach (var mailbox in mailboxes)
        {
            mailbox.Clear();
        }
    }

    /// <summary>Writes <see cref="CertificatePem"/> to <paramref name="path"/> and returns the path.</summary>
    public string WriteCertificatePem(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, CertificatePem);
        return path;
    }

    /// <inheritdoc />
    public override string ToString()
        => IsRunning ? $"TestMailServer SMTP {SmtpPort}, SMTPS {SmtpsPort}, POP3 {Pop3Port}, POP3S {Pop3sPort}" : "TestMailServer (not running)";

    private bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        var expected = Certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        return certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256).AsSpan().SequenceEqual(expected);
    }

    private void ValidateOptions()
    {
        var o = Options;
        if (o.MaxLineLength is < 512 or > 65536)
        {
            throw new InvalidOperationException($"MaxLineLength must be between 512 and 65536 (it is {o.MaxLineLength}).");
        }

        if (o.MaxMessageSize <= 0 || o.MaxRecipients <= 0 || o.MaxConnections <= 0 || o.MaxViolations < 0 || o.MaxBadCommands <= 0 || o.MaxStoredBytes <= 0)
        {
            throw new InvalidOperationException("MaxMessageSize, MaxRecipients, MaxConnections, MaxBadCommands and MaxStoredBytes must be positive, MaxViolations not negative.");
        }

        foreach (var (name, value) in new[] { ("ReadTimeout", o.ReadTimeout), ("WriteTimeout", o.WriteTimeout), ("IdleTimeout", o.IdleTimeout), ("LineTimeout", o.LineTimeout), ("SessionTimeout", o.SessionTimeout) })
        {
            if (value != Timeout.InfiniteTimeSpan && value <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"{name} must be positive or Timeout.InfiniteTimeSpan (it is {value}).");
            }
        }

        if (string.IsNullOrWhiteSpace(o.HostName) || o.HostName.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException("HostName must be a name without spaces.");
        }

        var duplicate = o.Users.GroupBy(u => u.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two users are named '{duplicate.Key}'.");
        }
    }

    private TcpServer Listen(string name, string? refusalLine, TcpConnectionHandler handler)
    {
        var server = new TcpServer(handler, new TcpServerOptions
        {
            EndPoint = new IPEndPoint(Address, 0),
            MaxConnections = Options.MaxConnections,
            RefusalLine = refusalLine,
            NoDelay = true,
            ReceiveTimeout = Options.ReadTimeout,
            SendTimeout = Options.WriteTimeout,
            IdleTimeout = Options.IdleTimeout,
            LineTimeout = Options.LineTimeout,
            ConnectionBufferSize = 1024,
            Logger = Options.LoggerFactory?.CreateLogger("NetComm.Testing.Transport"),
            Name = name,
        });
        try
        {
            server.Start();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    private bool StopServers(TimeSpan timeout)
    {
        var drained = true;
        foreach (var server in new[] { _smtp, _smtps, _pop3, _pop3s })
        {
            if (server is not null)
            {
                drained &= server.Stop(timeout);
            }
        }

        DisposeServers();
        return drained;
    }

    private void DisposeServers()
    {
        foreach (var server in new[] { _smtp, _smtps, _pop3, _pop3s })
        {
            server?.Dispose();
        }
    }

    private static int PortOf(TcpServer? server)
        => server is null ? throw new InvalidOperationException("The server is not started; call Start first.") : server.LocalEndPoint.Port;

    private TimeoutException WaitTimedOut(int count, TimeSpan timeout)
    {
        var messages = Messages;
        var violations = ProtocolViolations;
        var detail = violations.Count == 0 ? "no protocol violations" : "protocol violations: " + string.Join("; ", violations.Take(5));
        if (DroppedViolations > 0)
        {
            detail += $"; {DroppedViolations} more not kept";
        }

        return new TimeoutException($"Expected {count} message(s) within {timeout.TotalSeconds:0.###} s, but {messages.Count} arrived ({detail}).");
    }
}
