namespace NetComm.Smtp;

/// <summary>What to do when the server accepts some recipients and refuses others.</summary>
public enum PartialDeliveryPolicy
{
    /// <summary>
    /// Send nothing: reset the transaction and throw <see cref="SmtpCommandException"/> listing every refusal.
    /// The safe default: nobody gets a message that was meant to reach everyone.
    /// </summary>
    AbortIfAnyRejected = 0,

    /// <summary>Deliver to the accepted recipients and report the refused ones in <see cref="SmtpSendResult.Rejected"/>.</summary>
    SendToAccepted,
}
