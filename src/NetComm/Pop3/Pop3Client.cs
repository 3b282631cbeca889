using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Pop3.Internal;
using NetComm.Transport;

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
    private Pop3Session? _session;
    private int _busy;

    /// <summary>Creates a client; nothing happens on the network until <see cref="Connect"/>.</summary>
    public Pop3Client(Pop3ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
    }

    /// <summary>The options this client was created with.</summary>
    public Pop3ClientOptions Options => _options;

    /// <inheritdoc />
    public bool IsConnected => _session is { IsClosed: false };

    /// <inheritdoc />
    public bool IsAuthenticated => _session is { IsClosed: false, IsAuthenticated: true };

    /// <inheritdoc />
    public bool IsTls => _session is { IsClosed: false, IsTls: true };

    /// <inheritdoc />
    public bool IsPipelining => _session is { IsClosed: false, IsPipelining: true };

    /// <inheritdoc />
    public bool IsUtf8 => _session is { IsClosed: false, IsUtf8: true };

    /// <inheritdoc />
    public string? Greeting => _session?.Greeting;

    /// <inheritdoc />
    public Pop3Capabilities? Capabilities => _session?.Capabilities;

    /// <inheritdoc />
    public string? AuthenticationMechanism => _session?.AuthenticationMechanism;

    /// <inheritdoc />
    public IReadOnlyCollection<int> PendingDeletions => _session is { } session ? session.PendingDeletions.ToArray() : [];

    /// <inheritdoc />
    public void Connect() => ConnectAsync<SyncIo>(default).Complete();

    /// <inheritdoc />
    public Task ConnectAsync(CancellationToken cancellationToken = default) => ConnectAsync<AsyncIo>(cancellationToken).AsTask();

    /// <inheritdoc />
    public void Authenticate(MailCredentials credentials)
        => RunAsync(s => s.AuthenticateAsync<SyncIo>(credentials, default), needsLogin: false).Complete();

    /// <inheritdoc />
    public Task AuthenticateAsync(MailCredentials credentials, CancellationToken cancellationToken = default)
        => RunAsync(s => s.AuthenticateAsync<AsyncIo>(credentials, cancellationToken), needsLogin: false).AsTask();

    /// <summary>Starts a session over an open connection instead of dialling (tests run scripted servers this way).</summary>
    internal ValueTask ConnectAsync<TIo>(TcpConnection connection, CancellationToken cancellationToken)
        where TIo : IIo
        => ConnectAsync<TIo>(token => Pop3Session.OpenAsync<TIo>(_options, _logger, MailConnection.Over(connection, _options, "POP3"), token), cancellationToken);

    private ValueTask ConnectAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
        => ConnectAsync<TIo>(token => Pop3Session.ConnectAsync<TIo>(_options, _logger, token), cancellationToken);

    private async ValueTask ConnectAsync<TIo>(Func<CancellationToken, ValueTask<Pop3Session>> open, CancellationToken cancellationToken)
        where TIo : IIo
    {
        Enter();
        try
        {
            if (_session is { IsClosed: false })
            {
                throw new InvalidOperationException("The POP3 client is already connected; Commit or Abandon the session first.");
            }

            _session = await open(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (MailConnection.Translate(e, "POP3", _options.Host) is var translated && !ReferenceEquals(translated, e))
        {
            throw translated;
        }
        finally
        {
            Exit();
        }
    }

    private async ValueTask RunAsync(Func<Pop3Session, ValueTask> operation, bool needsLogin = true)
        => await RunAsync<bool>(
            async s =>
            {
                await operation(s).ConfigureAwait(false);
                return true;
            },
            needsLogin).ConfigureAwait(false);

    /// <summary>
    /// Runs one operation on the open session with the failure rules of <see cref="IPop3Client"/>: refusals and
    /// argument errors leave the session as it is; anything else closes it, and transport failures surface as
    /// <see cref="MailProtocolException"/>.
    /// </summary>
    private async ValueTask<T> RunAsync<T>(Func<Pop3Session, ValueTask<T>> operation, bool needsLogin = true)
    {
        var session = Enter(needsLogin);
        try
        {
            return await operation(session).ConfigureAwait(false);
        }
        catch (SessionIntactException e)
        {
            e.Inner.Throw();
            throw;
        }
        catch (Exception e) when (e is not (MailCommandException or ArgumentException or InvalidOperationException))
        {
            session.Fail(e);
            var translated = MailConnection.Translate(e, "POP3", _options.Host);
            if (ReferenceEquals(translated, e))
            {
                throw;
            }

            throw translated;
        }
        finally
        {
            if (session.IsClosed)
            {
                _session = null;
            }

            Exit();
        }
    }

    private void Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("The POP3 client is busy with another operation; it is not thread-safe.");
        }
    }

    private Pop3Session Enter(bool needsLogin)
    {
        Enter();
        if (_session is not { IsClosed: false } session)
        {
            Exit();
            throw new InvalidOperationException("The POP3 client is not connected; call Connect first.");
        }

        if (needsLogin && !session.IsAuthenticated)
        {
            Exit();
            throw new InvalidOperationException("The POP3 client has not logged in; call Authenticate first.");
        }

        return session;
    }

    private void Exit() => Volatile.Write(ref _busy, 0);
}
