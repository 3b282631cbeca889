using System;
using System.Collections.Generic;
using System.Linq;
using MimeKit;

namespace NetComm.Smtp;

/// <summary>DSN NOTIFY conditions for a recipient (RFC 3461).</summary>
[Flags]
public enum DsnNotify
{
    /// <summary>No NOTIFY parameter: the server's default.</summary>
    Default = 0,

    /// <summary>Never send a DSN for this recipient.</summary>
    Never = 1,

    /// <summary>Report successful delivery.</summary>
    Success = 2,

    /// <summary>Report failure.</summary>
    Failure = 4,

    /// <summary>Report delay.</summary>
    Delay = 8,
}

/// <summary>How much of the message a DSN returns (RFC 3461 RET).</summary>
public enum DsnReturn
{
    /// <summary>No RET parameter.</summary>
    Default = 0,

    /// <summary>The whole message.</summary>
    Full,

    /// <summary>The headers only.</summary>
    Headers,
}

/// <summary>One envelope recipient with its DSN parameters.</summary>
/// <param name="Address">The mailbox, e.g. <c>alice@example.com</c> (no angle brackets).</param>
public sealed record SmtpRecipient(string Address)
{
    /// <summary>When to send delivery status notifications for this recipient.</summary>
    public DsnNotify Notify { get; init; }

    /// <summary>The original recipient (ORCPT), sent as <c>rfc822;ADDRESS</c>.</summary>
    public string? OriginalRecipient { get; init; }
}

/// <summary>
/// The SMTP envelope: who the message is from and to whom it is delivered, independent of the headers
/// (Bcc recipients are in the envelope but never in the transmitted headers).
/// </summary>
public sealed class SmtpEnvelope
{
    /// <summary>Creates an envelope.</summary>
    public SmtpEnvelope(string sender, IEnumerable<SmtpRecipient> recipients)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipients);
        Sender = Protocol.SmtpCommands.ValidateAddress(sender, allowEmpty: true);
        Recipients = recipients.ToList();
        foreach (var recipient in Recipients)
        {
            Protocol.SmtpCommands.ValidateAddress(recipient.Address, allowEmpty: false);
        }
    }

    /// <summary>Creates an envelope from plain addresses.</summary>
    public SmtpEnvelope(string sender, params string[] recipients)
        : this(sender, recipients.Select(r => new SmtpRecipient(r)))
    {
    }

    /// <summary>The reverse path (MAIL FROM); empty for a null sender (bounces).</summary>
    public string Sender { get; }

    /// <summary>The forward paths (RCPT TO).</summary>
    public IReadOnlyList<SmtpRecipient> Recipients { get; }

    /// <summary>The DSN envelope id (ENVID).</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>What a DSN returns (RET).</summary>
    public DsnReturn Return { get; init; }

    /// <summary>Ask every relay to use TLS (RFC 8689 REQUIRETLS). Sending fails if the server does not offer it or TLS is off.</summary>
    public bool RequireTls { get; init; }

    /// <summary>
    /// Derives the envelope as users expect: when Resent-* headers exist they win (Resent-Sender or the first
    /// Resent-From; Resent-To, -Cc, -Bcc), else Sender or the first From, and To, Cc, Bcc. Group members are
    /// included and duplicates removed (case-insensitively). The message is not modified.
    /// </summary>
    public static SmtpEnvelope FromMessage(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var resent = message.ResentSender is not null || message.ResentFrom.Count > 0;
        var sender = resent
            ? message.ResentSender ?? message.ResentFrom.Mailboxes.FirstOrDefault()
            : message.Sender ?? message.From.Mailboxes.FirstOrDefault();
        if (sender is null)
        {
            throw new InvalidOperationException("The message has no sender: set From (or Sender), or pass an explicit SmtpEnvelope.");
        }

        var lists = resent
            ? new[] { message.ResentTo, message.ResentCc, message.ResentBcc }
            : new[] { message.To, message.Cc, message.Bcc };
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var recipients = new List<SmtpRecipient>();
        foreach (var mailbox in lists.SelectMany(l => l.Mailboxes))
        {
            if (seen.Add(mailbox.Address))
            {
                recipients.Add(new SmtpRecipient(mailbox.Address));
            }
        }

        if (recipients.Count == 0)
        {
            throw new InvalidOperationException($"The message has no {(resent ? "Resent-To/Cc/Bcc" : "To/Cc/Bcc")} recipients.");
        }

        return new SmtpEnvelope(sender.Address, recipients);
    }
}
