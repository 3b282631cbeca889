using System;
using System.Collections.Generic;
using System.Linq;

namespace NetComm.Mail.Sasl;

/// <summary>
/// The client side of one SASL exchange (RFC 4422), shared by SMTP AUTH and POP3 AUTH. Pure: it turns
/// server challenges into responses and never touches the network.
/// </summary>
internal abstract class SaslMechanism
{
    /// <summary>The IANA name as sent in AUTH.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the exchange reveals the secret to anyone who can read the connection.</summary>
    public abstract bool RevealsSecret { get; }

    /// <summary>The initial response sent with the AUTH command, or null when the mechanism waits for a challenge.</summary>
    public abstract byte[]? InitialResponse();

    /// <summary>Answers one server challenge.</summary>
    public abstract byte[] Respond(ReadOnlySpan<byte> challenge);

    /// <summary>Called when the server reports success; mechanisms with mutual authentication check the server proved itself.</summary>
    public virtual void Completed()
    {
    }

    /// <summary>Mechanisms in order of preference: strongest first. XOAUTH2 is used whenever a token is given.</summary>
    public static readonly IReadOnlyList<string> Preference = ["XOAUTH2", "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN"];

    /// <summary>Creates the named mechanism for <paramref name="credentials"/>, or null when it cannot use them.</summary>
    public static SaslMechanism? Create(string name, MailCredentials credentials) => name.ToUpperInvariant() switch
    {
        "XOAUTH2" when credentials.AccessToken is not null => new XOAuth2Mechanism(credentials),
        _ when credentials.Password is null => null,
        "SCRAM-SHA-256" => new ScramMechanism(credentials, ScramMechanism.Sha256),
        "SCRAM-SHA-1" => new ScramMechanism(credentials, ScramMechanism.Sha1),
        "CRAM-MD5" => new CramMd5Mechanism(credentials),
        "PLAIN" => new PlainMechanism(credentials),
        "LOGIN" => new LoginMechanism(credentials),
        _ => null,
    };

    /// <summary>
    /// Picks the mechanism to use: the caller's choice if it names one (it must be offered), else the
    /// strongest offered one that works with the credentials. Null when none fits.
    /// </summary>
    public static SaslMechanism? Choose(IReadOnlyCollection<string> offered, MailCredentials credentials, string? requested)
    {
        if (requested is not null)
        {
            return offered.Contains(requested, StringComparer.OrdinalIgnoreCase) ? Create(requested, credentials) : null;
        }

        foreach (var name in Preference)
        {
            if (offered.Contains(name, StringComparer.OrdinalIgnoreCase) && Create(name, credentials) is { } mechanism)
            {
                return mechanism;
            }
        }

        return null;
    }
}
