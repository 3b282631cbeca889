using System;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;

namespace NetComm.Smtp;

/// <summary>
/// The layer an application sends mail through (mockable): thread-safe, pooled, retrying what is safe to retry.
/// Where <see cref="ISmtpClient"/> is one conversation, one call at a time, an <see cref="ISmtpSender"/> takes messages
/// from any number of threads at once and spreads them over a bounded pool of sessions.
/// </summary>
public interface ISmtpSender : IDisposable, IAsyncDisposable
{
    /// <summary>Sessions open now (connected and logged in, in use or idle).</summary>
    int SessionsOpen { get; }

    /// <summary>Messages accepted by <c>Send</c>/<c>SendAsync</c> and not yet finished: being sent, waiting for a session, a retry or room in the queue.</summary>
    int MessagesPending { get; }

    /// <summary>
    /// Sends a message with the envelope derived from its headers (<see cref="SmtpEnvelope.FromMessage"/>) on a pooled
    /// session; a failure that delivered nothing and may pass (4xx, a connection lost before the end of the message) is
    /// retried with back-off. Blocks while the queue is full.
    /// </summary>
    /// <returns>The server's answer to the attempt that was accepted.</returns>
    /// <exception cref="SmtpCommandException">Refused for good (5xx), or still refused (4xx) after the last attempt.</exception>
    /// <exception cref="SmtpDeliveryUnknownException">The connection failed after the end of the message; not sent again unless <see cref="SmtpSenderOptions.DeliveryUnknown"/> says so.</exception>
    /// <exception cref="Mail.MailProtocolException">The connection kept failing before the end of the message, up to the last attempt; or TLS could not be had (<see cref="Mail.MailSecurityException"/>, never retried).</exception>
    /// <exception cref="Mail.MailAuthenticationException">The login was refused.</exception>
    /// <exception cref="TimeoutException">A deadline passed on the last attempt.</exception>
    /// <exception cref="ArgumentException">The message or envelope cannot be sent (no recipients, bad addresses); nothing was sent.</exception>
    /// <exception cref="InvalidOperationException">The message has no From or no recipients; nothing was sent.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The sender is disposed, or its disposal cut this message off.</exception>
    SmtpSendResult Send(MimeMessage message, CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="Send(MimeMessage, CancellationToken)"/>; waits (asynchronously) while the queue is full.</summary>
    /// <returns>The server's answer to the attempt that was accepted.</returns>
    Task<SmtpSendResult> SendAsync(MimeMessage message, CancellationToken cancellationToken = default);

    /// <summary><see cref="Send(MimeMessage, CancellationToken)"/> with an explicit envelope (DSN, REQUIRETLS, a bounce address).</summary>
    /// <returns>The server's answer to the attempt that was accepted.</returns>
    SmtpSendResult Send(MimeMessage message, SmtpEnvelope envelope, CancellationToken cancellationToken = default);

    /// <summary>Asynchronous <see cref="Send(MimeMessage, SmtpEnvelope, CancellationToken)"/>.</summary>
    /// <returns>The server's answer to the attempt that was accepted.</returns>
    Task<SmtpSendResult> SendAsync(MimeMessage message, SmtpEnvelope envelope, CancellationToken cancellationToken = default);
}
