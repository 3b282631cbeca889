namespace NetComm.Smtp;

/// <summary>
/// What <see cref="SmtpSender"/> does when a message's outcome is unknown: the connection was lost (or the reply
/// never came) after the end of the message was sent, so the server may or may not have accepted it.
/// </summary>
public enum DeliveryUnknownPolicy
{
    /// <summary>
    /// Throw <see cref="SmtpDeliveryUnknownException"/> to the caller and send nothing again: a lost message is
    /// reported, never turned silently into a duplicate. The default.
    /// </summary>
    Report = 0,

    /// <summary>
    /// Send the same message again (same <c>Message-Id</c>, so the recipient's software can spot a duplicate), as for
    /// a failure before the end of the message. Each such retry is logged as event 2016. Choose it only when a
    /// duplicate is better than a loss.
    /// </summary>
    Retry,
}
