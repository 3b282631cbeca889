using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using NetComm.Diagnostics;
using NetComm.Internal;

namespace NetComm.Smtp.Sending;

/// <summary>
/// At most <see cref="SmtpSenderOptions.MaxSessions"/> sessions, each lent to one message at a time. A slot (the
/// semaphore) is held from renting to returning, so connections never exceed the limit; a 421 keeps one slot away for
/// <see cref="SmtpSenderOptions.ServiceUnavailableBackoff"/> (the pool shrinks, down to one). Idle sessions are reused
/// most recent first, so surplus ones age and a timer closes them after <see cref="SmtpSenderOptions.SessionIdleTimeout"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "CloseAllAsync disposes the timer; the semaphore never allocates a wait handle, and a 421's parked slot may be released after the end.")]
internal sealed class SenderSessionPool
{
    /// <summary>The longest a QUIT may take when a session is retired: a goodbye is not worth a long wait.</summary>
    private static readonly TimeSpan s_quitTimeout = TimeSpan.FromSeconds(5);

    private readonly SmtpSenderOptions _options;
    private readonly Func<ISmtpClient> _createClient;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly SemaphoreSlim _slots;
    private readonly List<PooledSession> _idle = [];
    private readonly Timer _sweeper;
    private readonly KeyValuePair<string, object?> _server;
    private long _nextId;
    private int _open;
    private int _parked;

    public SenderSessionPool(SmtpSenderOptions options, Func<ISmtpClient> createClient, ILogger logger, CancellationToken stopping)
    {
        _options = options;
        _createClient = createClient;
        _logger = logger;
        _stopping = stopping;
        _slots = new SemaphoreSlim(options.MaxSessions, options.MaxSessions);
        _server = SenderTelemetry.Server(options.Client.Host);
        var period = TimeSpan.FromTicks(Math.Clamp(options.SessionIdleTimeout.Ticks / 2, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond * 30));
        _sweeper = new Timer(_ => CloseIdleSessions(), null, period, period);
    }

    /// <summary>Sessions open now (in use or idle).</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>The most sessions allowed now: <see cref="SmtpSenderOptions.MaxSessions"/> less those held back after 421s.</summary>
    public int Limit => _options.MaxSessions - Volatile.Read(ref _parked);

    /// <summary>Waits for a slot, then lends an idle session or opens a new one (connect, TLS, login).</summary>
    public async ValueTask<PooledSession> RentAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        await SenderIo.WaitAsync<TIo>(_slots, cancellationToken).ConfigureAwait(false);
        try
        {
            while (TakeIdle() is { } idle)
            {
                if (idle.IsUsable)
                {
                    return idle;
                }

                Close(idle, "the server closed it while idle");
            }

            var client = _createClient();
            try
            {
                await SenderIo.OpenAsync<TIo>(client, _options.Credentials, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                client.Dispose();
                throw;
            }

            Interlocked.Increment(ref _open);
            SenderTelemetry.SessionsOpen.Add(1, _server);
            return new PooledSession(client, Interlocked.Increment(ref _nextId));
        }
        catch (Exception e)
        {
            ReleaseSlot(SendFailure.IsServiceClosing(e));
            throw;
        }
    }

    /// <summary>
    /// Takes a session back after a message: kept when still usable and under its message limit, else closed (with
    /// QUIT when the connection is alive). <paramref name="serviceClosing"/> (a 421) also shrinks the pool for a while.
    /// </summary>
    public async ValueTask ReturnAsync<TIo>(PooledSession session, bool serviceClosing)
        where TIo : IIo
    {
        try
        {
            if (!session.IsUsable)
            {
                Close(session, serviceClosing ? "the server answered 421" : "a failure broke it");
            }
            else if (session.Messages >= _options.MaxMessagesPerSession)
            {
                await QuitAsync<TIo>(session, $"its limit of {_options.MaxMessagesPerSession} message(s)").ConfigureAwait(false);
            }
            else
            {
                session.IdleSince = Stopwatch.GetTimestamp();
                lock (_idle)
                {
                    _idle.Add(session);
                }
            }
        }
        finally
        {
            ReleaseSlot(serviceClosing);
        }
    }

    /// <summary>Closes every idle session with QUIT (at disposal, once nothing is in flight).</summary>
    public async ValueTask CloseAllAsync<TIo>()
        where TIo : IIo
    {
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        while (TakeIdle() is { } session)
        {
            await QuitAsync<TIo>(session, "the sender was disposed").ConfigureAwait(false);
        }
    }

    private PooledSession? TakeIdle()
    {
        lock (_idle)
        {
            if (_idle.Count == 0)
            {
                return null;
            }

            var last = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            return last;
        }
    }

    /// <summary>The timer's work: QUIT each session idle longer than <see cref="SmtpSenderOptions.SessionIdleTimeout"/>.</summary>
    private void CloseIdleSessions()
    {
        var expired = new List<PooledSession>();
        lock (_idle)
        {
            // Oldest first: the list is in return order.
            while (_idle.Count > 0 && Stopwatch.GetElapsedTime(_idle[0].IdleSince) >= _options.SessionIdleTimeout)
            {
                expired.Add(_idle[0]);
                _idle.RemoveAt(0);
            }
        }

        foreach (var session in expired)
        {
            _ = QuitAsync<AsyncIo>(session, $"idle for {_options.SessionIdleTimeout.TotalSeconds:0.###} s").AsTask();
        }
    }

    /// <summary>Says QUIT (at most <see cref="s_quitTimeout"/>, never throwing: the session is done either way) and closes.</summary>
    private async ValueTask QuitAsync<TIo>(PooledSession session, string reason)
        where TIo : IIo
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        deadline.CancelAfter(s_quitTimeout);
        try
        {
            await SenderIo.QuitAsync<TIo>(session.Client, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            reason += $" (QUIT failed: {e.Message})";
        }

        Close(session, reason);
    }

    private void Close(PooledSession session, string reason)
    {
        session.Client.Dispose();
        Interlocked.Decrement(ref _open);
        SenderTelemetry.SessionsOpen.Add(-1, _server);
        SmtpSenderLog.SessionClosed(_logger, session.Id, _options.Client.Host, session.Messages, reason);
    }

    /// <summary>Gives a slot back; after a 421, holds it for a while instead (never the last one), so fewer sessions compete.</summary>
    private void ReleaseSlot(bool serviceClosing)
    {
        if (!serviceClosing || _stopping.IsCancellationRequested)
        {
            _slots.Release();
            return;
        }

        var parked = Interlocked.Increment(ref _parked);
        if (parked >= _options.MaxSessions)
        {
            Interlocked.Decrement(ref _parked);
            _slots.Release();
            return;
        }

        SmtpSenderLog.PoolShrunk(_logger, _options.Client.Host, _options.MaxSessions - parked, _options.ServiceUnavailableBackoff.TotalSeconds);
        _ = Task.Delay(_options.ServiceUnavailableBackoff, _stopping).ContinueWith(
            _ =>
            {
                Interlocked.Decrement(ref _parked);
                _slots.Release();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
