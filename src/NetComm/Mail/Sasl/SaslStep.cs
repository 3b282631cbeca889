namespace NetComm.Mail.Sasl;

// Refusal: the protocol's own refusal exception, kept as the inner exception of the authentication failure.

/// <summary>What the server said at one step of a SASL exchange, in protocol-neutral terms.</summary>
internal readonly record struct SaslStep(SaslStepKind Kind, string Text, string ServerReply, int? StatusCode = null, bool IsTransient = false, MailCommandException? Refusal = null)
{
    public static SaslStep Challenge(string base64, string serverReply) => new(SaslStepKind.Challenge, base64, serverReply);

    public static SaslStep Success(string serverReply) => new(SaslStepKind.Success, "", serverReply);
}

/// <summary>The three answers a server can give during SASL.</summary>
internal enum SaslStepKind
{
    /// <summary>A challenge (SMTP 334, POP3 "+ "): answer it.</summary>
    Challenge,

    /// <summary>Logged in (SMTP 235, POP3 +OK).</summary>
    Success,

    /// <summary>Refused (anything else).</summary>
    Failure,
}
