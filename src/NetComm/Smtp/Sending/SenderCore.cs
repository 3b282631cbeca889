using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail.Internal;

namespace NetComm.Smtp.Sending;

/// <summary>Sends one message on a lent session; the sender's facade builds it from the caller's message.</summary>
internal delegate ValueTask<SmtpSendResult> SendOnSession(ISmtpClient client, CancellationToken cancellationToken);

/// <summary>
/// The sender's work, written once for the sync and async APIs: admission (the queue limit), the attempt loop
/// (retry, report or give up, as <see cref="SendFailure"/> decides), telemetry, and draining at disposal.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Ended by DisposeAsync<TIo>, which cancels _stopping; the semaphores never allocate a wait handle (no AvailableWaitHandle), and a 421's parked slot may still be released after it.")]
internal sealed class SenderCore
{
    private readonly SmtpSenderOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _admission;
    private readonly SenderSessionPool _pool;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly KeyValuePair<string, object?> _server;
    private int _inFlight;
    private int _disposed;

    public SenderCore(SmtpSenderOptions options, Func<ISmtpClient> createClient)
    {
        _options = options;
        _logger = options.Client.Logger ?? NullLogger.Instance;
        _admission = new SemaphoreSlim(options.QueueLimit, options.QueueLimit);
        _pool = new SenderSessionPool(options, createClient, _logger, _stopping.Token);
        _server = SenderTelemetry.Server(options.Client.Host);
    }

    public int SessionsOpen => _pool.Open;

    public int MessagesPending => Volatile.Read(ref _inFlight);

    public async ValueTask<SmtpSendResult> DeliverAsync<TIo>(SendOnSession send, string messageId, CancellationToken cancellationToken)
        where TIo : IIo
    {
        Enter();
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            using var activity = MailTelemetry.Source.StartActivity("smtp.sender.send", ActivityKind.Internal);
            activity?.SetTag("server.address", _options.Client.Host);
            activity?.SetTag("server.port", _options.Client.EffectivePort);
            SenderTelemetry.QueueLength.Add(1, _server);
            var queued = true;
            try
            {
                await SenderIo.WaitAsync<TIo>(_admission, linked.Token).ConfigureAwait(false);
                try
                {
                    for (var attempt = 1; ; attempt++)
                    {
                        PooledSession? session = null;
                        ExceptionDispatchInfo failure;
                        try
                        {
                            session = await _pool.RentAsync<TIo>(linked.Token).ConfigureAwait(false);
                            SenderTelemetry.QueueLength.Add(-1, _server);
                            queued = false;
                            SmtpSenderLog.Attempt(_logger, attempt, _options.MaxAttempts, messageId, session.Id, _options.Client.Host);
                            session.Messages++;
                            var result = await send(session.Client, linked.Token).ConfigureAwait(false);
                            await _pool.ReturnAsync<TIo>(session, serviceClosing: false).ConfigureAwait(false);
                            SenderTelemetry.Sent.Add(1, _server);
                            Record(activity, attempt, "delivered", null);
                            activity?.SetStatus(ActivityStatusCode.Ok);
                            return result;
                        }
                        catch (Exception e)
                        {
                            failure = ExceptionDispatchInfo.Capture(e);
                            if (session is not null)
                            {
                                await _pool.ReturnAsync<TIo>(session, SendFailure.IsServiceClosing(e)).ConfigureAwait(false);
                            }
                        }

                        var delay = Judge(failure, attempt, messageId, activity, cancellationToken);
                        if (!queued)
                        {
                            SenderTelemetry.QueueLength.Add(1, _server);
                            queued = true;
                        }

                        await SenderIo.DelayAsync<TIo>(delay, linked.Token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _admission.Release();
                }
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && _stopping.IsCancellationRequested)
            {
                activity?.SetStatus(ActivityStatusCode.Error, "disposed");
                throw new ObjectDisposedException(
                    $"The SmtpSender was disposed and its drain timeout ({_options.DrainTimeout.TotalSeconds:0.###} s) passed before message {messageId} was sent; cancelled while it was being sent, it may have arrived.",
                    e);
            }
            catch (Exception e)
            {
                activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
                throw;
            }
            finally
            {
                if (queued)
                {
                    SenderTelemetry.QueueLength.Add(-1, _server);
                }
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Waits for the messages in flight (at most <see cref="SmtpSenderOptions.DrainTimeout"/>), cancels any left,
    /// then closes every session with QUIT. New messages are refused from the start.
    /// </summary>
    public async ValueTask DisposeAsync<TIo>()
        where TIo : IIo
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        if (!await SenderIo.WaitForAsync<TIo>(_drained.Task, _options.DrainTimeout).ConfigureAwait(false))
        {
            SmtpSenderLog.DrainTimedOut(_logger, _options.Client.Host, MessagesPending, _options.DrainTimeout.TotalSeconds);
            _stopping.Cancel();

            // Cancelled sends close their own sessions; give them a moment to unwind so their QUITs are not cut.
            await SenderIo.WaitForAsync<TIo>(_drained.Task, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }

        await _pool.CloseAllAsync<TIo>().ConfigureAwait(false);
        _stopping.Cancel();
    }

    /// <summary>Decides after a failed attempt: returns the wait before the next one, or throws what the caller gets.</summary>
    private TimeSpan Judge(ExceptionDispatchInfo failure, int attempt, string messageId, Activity? activity, CancellationToken cancellationToken)
    {
        var error = failure.SourceException;
        var reason = SendFailure.Describe(error);
        if (error is OperationCanceledException && (cancellationToken.IsCancellationRequested || _stopping.IsCancellationRequested))
        {
            Record(activity, attempt, "cancelled", reason);
            failure.Throw();
        }

        var verdict = SendFailure.Classify(error);
        if (verdict == SendVerdict.Unknown)
        {
            var retry = _options.DeliveryUnknown == DeliveryUnknownPolicy.Retry && attempt < _options.MaxAttempts;
            SmtpSenderLog.DeliveryUnknown(_logger, messageId, attempt, retry ? "sending it again, as DeliveryUnknownPolicy.Retry says" : "reported, not sent again", reason);
            if (!retry)
            {
                GiveUp(failure, attempt, "delivery_unknown", reason, activity);
            }
        }
        else if (verdict == SendVerdict.Final)
        {
            SmtpSenderLog.Failed(_logger, messageId, attempt, "permanent", reason);
            GiveUp(failure, attempt, "permanent", reason, activity);
        }
        else if (attempt >= _options.MaxAttempts)
        {
            SmtpSenderLog.Failed(_logger, messageId, attempt, "attempts exhausted", reason);
            GiveUp(failure, attempt, "exhausted", reason, activity);
        }

        var delay = SendFailure.Backoff(attempt, _options.RetryDelay, _options.MaxRetryDelay);
        if (verdict == SendVerdict.Retry)
        {
            SmtpSenderLog.Retrying(_logger, attempt, messageId, reason, (long)delay.TotalMilliseconds);
        }

        SenderTelemetry.Retries.Add(1, _server);
        Record(activity, attempt, "retry", reason);
        return delay;
    }

    private void GiveUp(ExceptionDispatchInfo failure, int attempts, string errorType, string reason, Activity? activity)
    {
        SenderTelemetry.Failures.Add(1, _server, new KeyValuePair<string, object?>("error.type", errorType));
        Record(activity, attempts, errorType, reason);
        failure.Throw();
    }

    /// <summary>One event per attempt on the message's span; each attempt's own <c>smtp.send</c> span is its child.</summary>
    private static void Record(Activity? activity, int attempt, string outcome, string? reason)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("netcomm.smtp.attempts", attempt);
        var tags = new ActivityTagsCollection { ["attempt"] = attempt, ["outcome"] = outcome };
        if (reason is not null)
        {
            tags["reason"] = reason;
        }

        activity.AddEvent(new ActivityEvent("attempt", tags: tags));
    }

    private void Enter()
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _disposed) == 1)
        {
            Exit();
            throw new ObjectDisposedException(nameof(SmtpSender), "The SmtpSender is disposed (or being disposed); nothing was sent.");
        }
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _disposed) == 1)
        {
            _drained.TrySetResult();
        }
    }
}
