namespace NetComm.Mail;

/// <summary>How much of a message has moved.</summary>
/// <param name="BytesTransferred">Bytes sent or received so far.</param>
/// <param name="TotalBytes">The total when known in advance, else null.</param>
public readonly record struct TransferProgress(long BytesTransferred, long? TotalBytes);
