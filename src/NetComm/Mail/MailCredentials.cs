using System;

namespace NetComm.Mail;

/// <summary>
/// A user name with a password or an OAuth 2.0 access token. <see cref="ToString"/> never shows the secret.
/// A plain settable object, so it can be bound from configuration; it is checked when used (a user name, and
/// exactly one of <see cref="Password"/> and <see cref="AccessToken"/>), before anything is sent.
/// </summary>
public sealed partial class MailCredentials
{
    /// <summary>Empty credentials to fill in (configuration binding): set <see cref="UserName"/> and <see cref="Password"/> or <see cref="AccessToken"/>.</summary>
    public MailCredentials()
    {
    }

    /// <summary>Credentials for password mechanisms (PLAIN, LOGIN, CRAM-MD5, SCRAM, APOP, USER/PASS).</summary>
    public MailCredentials(string userName, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(password);
        UserName = userName;
        Password = password;
    }

    private MailCredentials(string userName, string? password, string? accessToken)
    {
        UserName = userName;
        Password = password;
        AccessToken = accessToken;
    }

    /// <summary>Credentials for XOAUTH2.</summary>
    public static MailCredentials FromAccessToken(string userName, string accessToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        return new MailCredentials(userName, null, accessToken);
    }

    /// <summary>The account name.</summary>
    public string UserName { get; set; } = "";

    /// <summary>The password, or null for token credentials.</summary>
    public string? Password { get; set; }

    /// <summary>The OAuth 2.0 access token, or null for password credentials.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Optional authorization identity (act as another user), for PLAIN and SCRAM.</summary>
    public string? AuthorizationId { get; set; }

    /// <summary>Shows the user name only.</summary>
    public override string ToString() => $"{UserName} (secret hidden)";
}
