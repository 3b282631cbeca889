using System.Collections.Generic;

namespace NetComm.Smtp;

/// <summary>What the server said it supports in its EHLO reply.</summary>
public sealed class SmtpCapabilities
{
    /// <summary>Capabilities of a server that answered HELO only.</summary>
    public static SmtpCapabilities None { get; } = new("", SmtpExtensions.None, null, [], new Dictionary<string, string>());

    /// <summary>Creates the capabilities.</summary>
    public SmtpCapabilities(string serverName, SmtpExtensions extensions, long? maxMessageSize, IReadOnlyList<string> authenticationMechanisms, IReadOnlyDictionary<string, string> keywords)
    {
        ServerName = serverName;
        Extensions = extensions;
        MaxMessageSize = maxMessageSize;
        AuthenticationMechanisms = authenticationMechanisms;
        Keywords = keywords;
    }

    /// <summary>The name the server gave in the first EHLO line.</summary>
    public string ServerName { get; }

    /// <summary>The extensions understood by NetComm.</summary>
    public SmtpExtensions Extensions { get; }

    /// <summary>The SIZE limit in bytes; null when not stated or 0 (no fixed limit).</summary>
    public long? MaxMessageSize { get; }

    /// <summary>The SASL mechanisms after AUTH.</summary>
    public IReadOnlyList<string> AuthenticationMechanisms { get; }

    /// <summary>Every EHLO keyword (upper case) with its parameters, including ones NetComm does not use.</summary>
    public IReadOnlyDictionary<string, string> Keywords { get; }

    /// <summary>Whether <paramref name="extension"/> was advertised.</summary>
    public bool Supports(SmtpExtensions extension) => (Extensions & extension) == extension;
}
