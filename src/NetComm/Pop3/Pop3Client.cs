using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Pop3.Internal;
using NetComm.Transport;
using Need = NetComm.Mail.Internal.MailSessionGate.Need;

namespace NetComm.Pop3;

/// <summary>
/// The POP3 client: secure by default (implicit TLS on 995, STLS required elsewhere), strongest login offered,
/// pipelined batches, streaming downloads in bounded memory, and deletions that happen only on an explicit
/// <see cref="Commit"/>. See <see cref="IPop3Client"/> for the rules every operation follows.
/// </summary>
/// <example>
/// <code>
/// await using var client = new Pop3Client(new Pop3ClientOptions { Host = "pop.example.com" });
/// await client.ConnectAsync();
/// await client.AuthenticateAsync(new MailCredentials("me@example.com", password));
/// var stat = await client.StatAsync();
/// var newest = await client.RetrieveAsync(stat.Count);   // message numbers are 1-based
/// await client.DeleteAsync(stat.Count);
/// await client.CommitAsync();                            // QUIT: only now is it deleted
/// </code>
/// </example>
public sealed partial class Pop3Client : IPop3Client
{
    private readonly Pop3ClientOptions _options;
    private readonly ILogger _logger;
    private readonly MailSessionGate _gate;
    private Func<MailConnection>? _transportForTests;
    private Pop3Session? _session;

    // The connection of a connect in progress: the gate's cancellation closes it, as it closes an open session's.
    private MailConnection? _connecting;

    /// <summary>Creates a client; nothing happens on the network until <see cref="Connect"/>.</summary>
    public Pop3Client(Pop3ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
        _gate = new MailSessionGate(MailProtocol.Pop3, options, () => _session?.Connection ?? Volatile.Read(ref _connecting), Break);
    }

    /// <summary>Starts a session over an open connection instead of dialling (tests run scripted servers this way).</summary>
    internal async ValueTask ConnectAsync<TIo>(TcpConnection connection, CancellationToken cancellationToken)
        where TIo : IIo
    {
        _transportForTests = () => MailConnection.Over(connection, _options, MailProtocol.Pop3);
        if (TIo.IsAsync)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Connect(cancellationToken);
        }
    }

    /// <summary>The options this client was created with.</summary>
    public Pop3ClientOptions Options => _options;

    /// <inheritdoc />
    public MailSessionState State => _gate.State;

    /// <inheritdoc />
    public bool IsConnected => _gate.IsOpen;

    /// <inheritdoc />
    public bool IsAuthenticated => Open is { IsAuthenticated: true };

    /// <inheritdoc />
    public bool IsTls => Open is { IsTls: true };

    /// <inheritdoc />
    public SslProtocols TlsProtocol => Open?.Tcp.TlsProtocol ?? SslProtocols.None;

    /// <inheritdoc />
    public TlsCipherSuite? TlsCipherSuite => Open?.Tcp.TlsCipherSuite;

    /// <inheritdoc />
    public bool IsPipelining => Open is { IsPipelining: true };

    /// <inheritdoc />
    public bool IsUtf8 => Open is { IsUtf8: true };

    /// <inheritdoc />
    public Pop3Reply? Greeting => Open?.Greeting;

    /// <inheritdoc />
    public Pop3Capabilities? Capabilities => Open?.Capabilities;

    /// <inheritdoc />
    public string? AuthenticationMechanism => Open?.AuthenticationMechanism;

    /// <inheritdoc />
    public IReadOnlyCollection<int> PendingDeletions => Open is { } session ? session.PendingDeletions.ToArray() : [];

    /// <summary>The session while it is open; what a closed one knew is no longer true of the server.</summary>
    private Pop3Session? Open => _gate.IsOpen ? _session : null;

    /// <inheritdoc />
    public void Connect(CancellationToken cancellationToken = default)
        => _gate.Run(Need.Closed, _options.EnsureUsable, t => OpenAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task ConnectAsync(CancellationToken cancellationToken = default)
        => _gate.RunAsync(Need.Closed, _options.EnsureUsable, t => OpenAsync<AsyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public void Authenticate(MailCredentials credentials, CancellationToken cancellationToken = default)
    {
        MailCredentials? sendable = null;
        _gate.Run(Need.Unauthenticated, () => sendable = MailCredentials.Sendable(credentials), t => _session!.AuthenticateAsync<SyncIo>(sendable!, t), cancellationToken);
    }

    /// <inheritdoc />
    public Task AuthenticateAsync(MailCredentials credentials, CancellationToken cancellationToken = default)
    {
        MailCredentials? sendable = null;
        return _gate.RunAsync(Need.Unauthenticated, () => sendable = MailCredentials.Sendable(credentials), t => _session!.AuthenticateAsync<AsyncIo>(sendable!, t), cancellationToken);
    }

    private async ValueTask OpenAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        try
        {
            _session = await Pop3Session.ConnectAsync<TIo>(_options, _logger, _gate, _transportForTests, c => Volatile.Write(ref _connecting, c), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _connecting, null);
        }
    }

    // Caller mistakes are found before any I/O, so they never cost the session.

    /// <summary>Runs one maildrop operation (logged in) under the shared session rules.</summary>
    private T Run<T>(Func<Pop3Session, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
        => _gate.Run(Need.Authenticated, null, t => operation(_session!, t), cancellationToken);

    private void Run(Func<Pop3Session, CancellationToken, ValueTask> operation, CancellationToken cancellationToken)
        => _gate.Run(Need.Authenticated, null, t => operation(_session!, t), cancellationToken);

    private Task<T> RunAsync<T>(Func<Pop3Session, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
        => _gate.RunAsync(Need.Authenticated, null, t => operation(_session!, t), cancellationToken);

    private Task RunAsync(Func<Pop3Session, CancellationToken, ValueTask> operation, CancellationToken cancellationToken)
        => _gate.RunAsync(Need.Authenticated, null, t => operation(_session!, t), cancellationToken);

    /// <summary>Closes the session after a failure (the gate's one way to end a broken session).</summary>
    private void Break(Exception? reason)
    {
        var session = _session;
        if (session is null)
        {
            Volatile.Read(ref _connecting)?.Dispose();
            _gate.MoveTo(MailSessionState.Broken);
            return;
        }

        session.Fail(reason);
    }
}
