using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using NetComm.Mail.Internal;

namespace NetComm.Mail.Sasl;

/// <summary>
/// Who is logging in where, and what the server offered before and after TLS: what every authentication failure
/// of either protocol reports, built in one place so that SMTP and POP3 say the same things the same way.
/// </summary>
internal sealed class AuthenticationContext(
    MailProtocol protocol,
    MailClientOptions options,
    ILogger logger,
    MailCredentials credentials,
    bool isTls,
    IReadOnlyList<string> mechanismsBeforeTls,
    IReadOnlyList<string> mechanismsAfterTls)
{
    public MailProtocol Protocol => protocol;

    public string Host => options.Host;

    public ILogger Logger => logger;

    public MailCredentials Credentials => credentials;

    public IReadOnlyList<string> MechanismsBeforeTls => mechanismsBeforeTls;

    public IReadOnlyList<string> MechanismsAfterTls => mechanismsAfterTls;

    /// <summary>
    /// The rule both protocols share: no secret goes over a connection without TLS unless the caller opted in
    /// (<see cref="MailClientOptions.AllowPlaintextAuthentication"/>). Checked before a byte of the login is sent.
    /// </summary>
    public void EnsureChannelAllowsSecrets(string method)
    {
        if (isTls || options.AllowPlaintextAuthentication)
        {
            return;
        }

        protocol.LogAuthenticationFailed(logger, Host, credentials.UserName, method, "no TLS");
        throw Failure(
            $"Refusing to log in to {protocol} server {Host}:{options.EffectivePort} without TLS (TlsMode {options.TlsMode}); nothing secret was sent. " +
            "Use a TLS mode, or set AllowPlaintextAuthentication on a trusted network.",
            method);
    }

    /// <summary>No login method fits: says what was asked, what was offered before and after TLS, and what the credentials can do.</summary>
    public MailAuthenticationException NoMethod(string why) => Failure(
        $"Cannot log in to {protocol} server {Host}: {why} Offered before TLS: [{string.Join(", ", mechanismsBeforeTls)}]; " +
        $"after TLS: [{string.Join(", ", mechanismsAfterTls)}]; TLS: {(isTls ? "yes" : "no")}; " +
        $"credentials: {(credentials.AccessToken is null ? "password" : "OAuth token")}.",
        null);

    /// <summary>An authentication failure carrying everything known about it.</summary>
    public MailAuthenticationException Failure(string message, string? mechanism, string? command = null, SaslStep? step = null, bool endsSession = false, Exception? inner = null)
        => new(message, inner)
        {
            Mechanism = mechanism,
            Command = command,
            StatusCode = step?.StatusCode,
            IsTransient = step?.IsTransient ?? false,
            ServerReply = step?.ServerReply,
            EndsSession = endsSession,
            MechanismsBeforeTls = mechanismsBeforeTls,
            MechanismsAfterTls = mechanismsAfterTls,
        };
}
