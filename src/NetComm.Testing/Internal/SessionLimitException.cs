using System;

namespace NetComm.Testing.Internal;

/// <summary>Ends a session at one of the server's limits; the session answers <see cref="Reply"/> and closes.</summary>
internal sealed class SessionLimitException : Exception
{
    public SessionLimitException(string reason, string enhancedCode, string reply)
        : base(reason)
    {
        EnhancedCode = enhancedCode;
        Reply = reply;
    }

    public SessionLimitException()
    {
        EnhancedCode = "4.7.0";
        Reply = "Closing connection";
    }

    public SessionLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
        EnhancedCode = "4.7.0";
        Reply = "Closing connection";
    }

    /// <summary>The enhanced status code for SMTP's 421 reply.</summary>
    public string EnhancedCode { get; }

    /// <summary>The reply text.</summary>
    public string Reply { get; }
}
