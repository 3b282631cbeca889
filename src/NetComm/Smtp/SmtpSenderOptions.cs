using System;
using System.Threading;
using NetComm.Mail;

namespace NetComm.Smtp;

/// <summary>
/// Settings for <see cref="SmtpSender"/>: the pool, the retries and the queue. The connection itself (server, TLS
/// mode, certificate policy, timeouts, logging) is <see cref="Client"/>, the same settings <see cref="SmtpClient"/>
/// takes. Plain settable properties, so they bind from configuration; <see cref="SmtpSender"/>'s constructor checks them.
/// </summary>
public sealed class SmtpSenderOptions
{
    /// <summary>How every session connects, secures itself and logs (its <c>Logger</c> also gets the sender's events 2013-2019).</summary>
    public SmtpClientOptions Client { get; set; } = new();

    /// <summary>The login each session performs once, after connecting; null sends without logging in.</summary>
    public MailCredentials? Credentials { get; set; }

    /// <summary>The most sessions (connections) open at once. Default 4.</summary>
    public int MaxSessions { get; set; } = 4;

    /// <summary>
    /// Messages sent on one session before it is closed with QUIT and replaced: stay below a server's per-connection
    /// limit (Postfix, Exchange and hosted relays have one). Default 100.
    /// </summary>
    public int MaxMessagesPerSession { get; set; } = 100;

    /// <summary>An idle session is closed with QUIT after this long unused, so it is never kept forever. Default 30 s.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most messages the sender holds at once, sending or waiting for a session or a retry. A caller beyond it
    /// waits (back-pressure) until there is room or its token is cancelled. Default 1,000; at least <see cref="MaxSessions"/>.
    /// </summary>
    public int QueueLimit { get; set; } = 1000;

    /// <summary>Attempts per message, the first included; a transient failure after the last one is thrown. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first retry; it doubles for each further one (with jitter). Default 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts. Default 1 minute.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>What to do when a message's outcome is unknown (a connection lost after the end of the message). Default: report it.</summary>
    public DeliveryUnknownPolicy DeliveryUnknown { get; set; } = DeliveryUnknownPolicy.Report;

    /// <summary>
    /// After a <c>421</c> (the server is closing the channel, often because it is overloaded), the pool keeps one
    /// session fewer, down to one, for this long. Default 30 s.
    /// </summary>
    public TimeSpan ServiceUnavailableBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long disposing waits for the messages in flight before cancelling them. Default 30 s.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Refuses settings that cannot work, naming the setting, before any network activity: those of
    /// <see cref="Client"/> (see <see cref="MailClientOptions"/>), and a limit or time that is not positive.
    /// </summary>
    /// <exception cref="InvalidOperationException">The options cannot work; nothing was sent.</exception>
    internal void EnsureUsable()
    {
        if (Client is null)
        {
            throw Unusable("Client is null: set the SmtpClientOptions every session connects with.");
        }

        Client.EnsureUsable();
        foreach (var (value, setting) in new[] { (MaxSessions, nameof(MaxSessions)), (MaxMessagesPerSession, nameof(MaxMessagesPerSession)), (MaxAttempts, nameof(MaxAttempts)) })
        {
            if (value <= 0)
            {
                throw Unusable($"{setting} is {value}: a limit must be positive.");
            }
        }

        if (QueueLimit < MaxSessions)
        {
            throw Unusable($"QueueLimit is {QueueLimit}: it counts the messages being sent too, so it must be at least MaxSessions ({MaxSessions}).");
        }

        foreach (var (value, setting) in new[]
        {
            (SessionIdleTimeout, nameof(SessionIdleTimeout)), (RetryDelay, nameof(RetryDelay)), (MaxRetryDelay, nameof(MaxRetryDelay)),
            (ServiceUnavailableBackoff, nameof(ServiceUnavailableBackoff)), (DrainTimeout, nameof(DrainTimeout)),
        })
        {
            if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
            {
                throw Unusable($"{setting} is {value}: a time here must be positive and finite.");
            }
        }

        if (MaxRetryDelay < RetryDelay)
        {
            throw Unusable($"MaxRetryDelay ({MaxRetryDelay}) is shorter than RetryDelay ({RetryDelay}).");
        }

        if (!Enum.IsDefined(DeliveryUnknown))
        {
            throw Unusable($"DeliveryUnknown is {(int)DeliveryUnknown}: use DeliveryUnknownPolicy.Report or Retry.");
        }
    }

    private static InvalidOperationException Unusable(string message) => new($"{nameof(SmtpSenderOptions)}.{message} Nothing was sent.");
}
