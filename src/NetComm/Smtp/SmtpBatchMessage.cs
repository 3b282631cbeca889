using System;
using MimeKit;

namespace NetComm.Smtp;

/// <summary>A message of a batch with the envelope to send it with (DSN, REQUIRETLS, a sender other than From).</summary>
/// <param name="Message">The message; Bcc is never transmitted.</param>
/// <param name="Envelope">The sender and recipients the server is given.</param>
public sealed record SmtpBatchMessage(MimeMessage Message, SmtpEnvelope Envelope)
{
    /// <summary>A message with the envelope derived from its headers (see <see cref="SmtpEnvelope.FromMessage"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    public static SmtpBatchMessage Of(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new SmtpBatchMessage(message, SmtpEnvelope.FromMessage(message));
    }
}
