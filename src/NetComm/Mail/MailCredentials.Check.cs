using System;

namespace NetComm.Mail;

public sealed partial class MailCredentials
{
    /// <summary>
    /// Refuses, before a byte is sent, credentials that would break the framing of any login method: NUL separates
    /// PLAIN's fields and CR or LF would end a command line early and smuggle in another command. The same rule
    /// for every field, every mechanism and both protocols. Also refuses credentials bound incompletely from configuration.
    /// </summary>
    /// <remarks>
    /// Checks and returns a private copy: the caller's object is settable (configuration binding), and a login
    /// reads the fields several awaits later, so what goes on the wire must be exactly what was checked.
    /// </remarks>
    internal static MailCredentials Sendable(MailCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var copy = new MailCredentials
        {
            UserName = credentials.UserName,
            Password = credentials.Password,
            AccessToken = credentials.AccessToken,
            AuthorizationId = credentials.AuthorizationId,
        };
        EnsureSendable(copy);
        return copy;
    }

    private static void EnsureSendable(MailCredentials credentials)
    {
        if (string.IsNullOrEmpty(credentials.UserName))
        {
            throw new ArgumentException("The credentials have no UserName; nothing was sent.", nameof(credentials));
        }

        if ((credentials.Password is null) == (credentials.AccessToken is null))
        {
            throw new ArgumentException(
                credentials.Password is null
                    ? "The credentials have neither a Password nor an AccessToken; nothing was sent."
                    : "The credentials have both a Password and an AccessToken: set one, so the login method is not a guess; nothing was sent.",
                nameof(credentials));
        }
        foreach (var (value, field) in new[]
        {
            (credentials.UserName, nameof(UserName)),
            (credentials.Password, nameof(Password)),
            (credentials.AccessToken, nameof(AccessToken)),
            (credentials.AuthorizationId, nameof(AuthorizationId)),
        })
        {
            if (value is not null && value.AsSpan().IndexOfAny('\0', '\r', '\n') >= 0)
            {
                throw new ArgumentException($"The credentials' {field} contains NUL, CR or LF, which no mail login can carry safely; nothing was sent.", nameof(credentials));
            }
        }
    }
}
