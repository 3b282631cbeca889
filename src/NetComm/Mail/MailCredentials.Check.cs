using System;

namespace NetComm.Mail;

public sealed partial class MailCredentials
{
    /// <summary>
    /// Refuses, before a byte is sent, credentials that would break the framing of any login method: NUL separates
    /// PLAIN's fields and CR or LF would end a command line early and smuggle in another command. The same rule
    /// for every field, every mechanism and both protocols.
    /// </summary>
    internal static void EnsureSendable(MailCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
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
