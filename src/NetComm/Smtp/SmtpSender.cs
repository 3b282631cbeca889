using System;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using NetComm.Internal;
using NetComm.Smtp.Sending;

namespace NetComm.Smtp;

/// <summary>
/// A pooled, thread-safe sender over <see cref="SmtpClient"/> sessions: at most
/// <see cref="SmtpSenderOptions.MaxSessions"/> connections, each set up (TLS, login) once and reused, rotated after
/// <see cref="SmtpSenderOptions.MaxMessagesPerSession"/> messages and closed when idle. Failures that delivered nothing
/// are retried with back-off; an unknown outcome is reported, never silently repeated; a 5xx is final. Disposing waits
/// for the messages in flight, then says QUIT on every session.
/// </summary>
public sealed class SmtpSender : ISmtpSender
{
    private readonly SenderCore _core;

    /// <summary>Creates a sender; no connection is made until the first message.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The options cannot work (the message names the setting).</exception>
    public SmtpSender(SmtpSenderOptions options)
        : this(options, () => new SmtpClient(options.Client))
    {
    }

    /// <summary>A sender whose sessions come from <paramref name="createClient"/> (tests hand it clients of their own).</summary>
    internal SmtpSender(SmtpSenderOptions options, Func<ISmtpClient> createClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureUsable();
        _core = new SenderCore(options, createClient);
    }

    /// <inheritdoc />
    public int SessionsOpen => _core.SessionsOpen;

    /// <inheritdoc />
    public int MessagesPending => _core.MessagesPending;

    /// <inheritdoc />
    public SmtpSendResult Send(MimeMessage message, CancellationToken cancellationToken = default)
        => Send(message, EnvelopeOf(message), cancellationToken);

    /// <inheritdoc />
    public Task<SmtpSendResult> SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
        => SendAsync(message, EnvelopeOf(message), cancellationToken);

    /// <inheritdoc />
    public SmtpSendResult Send(MimeMessage message, SmtpEnvelope envelope, CancellationToken cancellationToken = default)
    {
        CheckSend(message, envelope);
        return _core.DeliverAsync<SyncIo>((client, t) => new ValueTask<SmtpSendResult>(client.Send(message, envelope, null, t)), IdOf(message), cancellationToken).Complete();
    }

    /// <inheritdoc />
    public Task<SmtpSendResult> SendAsync(MimeMessage message, SmtpEnvelope envelope, CancellationToken cancellationToken = default)
    {
        CheckSend(message, envelope);
        return _core.DeliverAsync<AsyncIo>((client, t) => new ValueTask<SmtpSendResult>(client.SendAsync(message, envelope, null, t)), IdOf(message), cancellationToken).AsTask();
    }

    /// <summary>Waits for the messages in flight (at most <see cref="SmtpSenderOptions.DrainTimeout"/>), then closes every session with QUIT.</summary>
    public void Dispose() => _core.DisposeAsync<SyncIo>().Complete();

    /// <summary>Asynchronous <see cref="Dispose"/>.</summary>
    /// <returns>A task that completes when every session is closed.</returns>
    public ValueTask DisposeAsync() => _core.DisposeAsync<AsyncIo>();

    // Caller mistakes surface before the message is queued, so they never cost an attempt.
    private static void CheckSend(MimeMessage message, SmtpEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Recipients.Count == 0)
        {
            throw new ArgumentException("The envelope has no recipients; nothing was sent.", nameof(envelope));
        }
    }

    private static SmtpEnvelope EnvelopeOf(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SmtpEnvelope.FromMessage(message);
    }

    private static string IdOf(MimeMessage message) => message.MessageId is { Length: > 0 } id ? $"<{id}>" : "(no Message-Id)";
}
