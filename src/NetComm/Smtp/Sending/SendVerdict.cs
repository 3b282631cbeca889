using System;
using NetComm.Mail;

namespace NetComm.Smtp.Sending;

/// <summary>What one failed attempt says about the message.</summary>
internal enum SendVerdict
{
    /// <summary>Nothing was delivered and trying again may work: a 4xx, or a failure before the end of the message.</summary>
    Retry,

    /// <summary>Trying again will fail the same way: a 5xx, a TLS or login failure, a caller mistake.</summary>
    Final,

    /// <summary>The connection failed after the end of the message: the server may have the message.</summary>
    Unknown,
}

/// <summary>Decides from what is known whether a failed attempt may be repeated, and how long to wait first.</summary>
internal static class SendFailure
{
    public static SendVerdict Classify(Exception failure) => failure switch
    {
        SmtpDeliveryUnknownException => SendVerdict.Unknown,
        MailCommandException refusal => refusal.IsTransient ? SendVerdict.Retry : SendVerdict.Final,

        // A certificate, a TLS mode or a missing STARTTLS does not change between attempts.
        MailSecurityException => SendVerdict.Final,

        // The engine raises these only before the end of the message (after it, SmtpDeliveryUnknownException).
        MailProtocolException or TimeoutException => SendVerdict.Retry,
        _ => SendVerdict.Final,
    };

    /// <summary>Whether the server closed the channel with 421 (RFC 5321 §3.8), the sign of a server that wants fewer clients.</summary>
    public static bool IsServiceClosing(Exception failure) => failure is MailCommandException { StatusCode: 421 };

    /// <summary>Exponential back-off with "equal jitter": half the doubled delay, plus a random part of the other half.</summary>
    public static TimeSpan Backoff(int failedAttempts, TimeSpan first, TimeSpan cap)
    {
        var exponential = first.Ticks * Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var ceiling = Math.Min(exponential, cap.Ticks);
        return TimeSpan.FromTicks((long)((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2)));
    }

    /// <summary>A short reason for the log: the server's reply when there is one.</summary>
    public static string Describe(Exception failure)
        => failure is MailException { ServerReply: { } reply } ? $"{failure.GetType().Name}: {reply}" : $"{failure.GetType().Name}: {failure.Message}";
}
