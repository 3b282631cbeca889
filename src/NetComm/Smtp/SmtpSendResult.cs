using System;
using System.Collections.Generic;
using System.Linq;

namespace NetComm.Smtp;

/// <summary>What the server said about one recipient.</summary>
/// <param name="Address">The recipient.</param>
/// <param name="Reply">The reply to its RCPT TO.</param>
public sealed record SmtpRecipientResult(string Address, SmtpReply Reply)
{
    /// <summary>Whether the server accepted the recipient.</summary>
    public bool Accepted => Reply.IsSuccess;
}

/// <summary>The outcome of sending one message.</summary>
public sealed class SmtpSendResult
{
    /// <summary>Creates a result (public so that tests can fake a client's answer, as docs/testing.md shows).</summary>
    /// <param name="recipients">Every recipient with the server's answer.</param>
    /// <param name="finalReply">The reply after the content; its queue id, if any, becomes <see cref="QueueId"/>.</param>
    /// <param name="usedTls">Whether the message went over TLS.</param>
    /// <param name="usedPipelining">Whether commands were pipelined.</param>
    /// <param name="usedChunking">Whether the content went with BDAT.</param>
    /// <param name="bytesSent">Content bytes written.</param>
    public SmtpSendResult(IReadOnlyList<SmtpRecipientResult> recipients, SmtpReply finalReply, bool usedTls, bool usedPipelining, bool usedChunking, long bytesSent)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(finalReply);
        Recipients = recipients;
        FinalReply = finalReply;
        QueueId = SmtpQueueId.Parse(finalReply);
        UsedTls = usedTls;
        UsedPipelining = usedPipelining;
        UsedChunking = usedChunking;
        BytesSent = bytesSent;
    }

    /// <summary>Every recipient with the server's answer.</summary>
    public IReadOnlyList<SmtpRecipientResult> Recipients { get; }

    /// <summary>The recipients the server refused (only non-empty with <see cref="PartialDeliveryPolicy.SendToAccepted"/>).</summary>
    public IEnumerable<SmtpRecipientResult> Rejected => Recipients.Where(r => !r.Accepted);

    /// <summary>The reply after the message content.</summary>
    public SmtpReply FinalReply { get; }

    /// <summary>The server's queue id when its final reply names one (Postfix "queued as X", Exim "id=X"), else null.</summary>
    public string? QueueId { get; }

    /// <summary>Whether the message went over TLS.</summary>
    public bool UsedTls { get; }

    /// <summary>Whether commands were pipelined.</summary>
    public bool UsedPipelining { get; }

    /// <summary>Whether the content went with BDAT rather than DATA.</summary>
    public bool UsedChunking { get; }

    /// <summary>Content bytes written (after dot-stuffing).</summary>
    public long BytesSent { get; }
}

/// <summary>Finds the queue id in a final reply.</summary>
internal static class SmtpQueueId
{
    public static string? Parse(SmtpReply reply)
    {
        var text = reply.Text;
        foreach (var marker in new[] { "queued as ", "id=", "Queued as " })
        {
            var at = text.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                var rest = text[(at + marker.Length)..];
                var id = new string(rest.TakeWhile(c => !char.IsWhiteSpace(c) && c is not ',' and not ')' and not ';').ToArray());
                return id.Length > 0 ? id : null;
            }
        }

        return null;
    }
}
