using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Mail.Sasl;

namespace NetComm.Pop3.Internal;

internal sealed partial class Pop3Session
{
    /// <summary>
    /// Logs in with the named method, or the strongest offered (SASL by preference, then APOP, then USER/PASS).
    /// Refuses before sending anything secret when the connection is not encrypted and plaintext
    /// authentication is not allowed. Never tries a second method after a failure: a wrong password is
    /// sent once, not once per mechanism.
    /// </summary>
    public async ValueTask AuthenticateAsync<TIo>(MailCredentials credentials, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentNullException.ThrowIfNull(credentials);
        CheckCommandArgument(credentials.UserName, "user name");
        if (IsAuthenticated)
        {
            throw new InvalidOperationException("The POP3 session is already authenticated.");
        }

        using var scope = MailTelemetry.Start("pop3", "authenticate", Host, _options.EffectivePort);
        var method = ChooseMethod(credentials);
        if (!IsTls && !_options.AllowPlaintextAuthentication)
        {
            var refusal = NotAllowed(
                $"Refusing to log in to POP3 server {Host}:{_options.EffectivePort} without TLS (TlsMode {_options.TlsMode}): " +
                "nothing secret was sent. Use TLS, or set AllowPlaintextAuthentication on a trusted network.",
                method.Name);
            Pop3Log.AuthenticationFailed(_logger, Host, credentials.UserName, method.Name, "no TLS");
            throw refusal;
        }

        if (_options.EnableUtf8 && Capabilities.Utf8 && !IsUtf8)
        {
            await EnableUtf8Async<TIo>(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            switch (method.Kind)
            {
                case LoginKind.Sasl:
                    await SaslAsync<TIo>(method.Sasl!, cancellationToken).ConfigureAwait(false);
                    break;
                case LoginKind.Apop:
                    var digest = ApopDigest.Compute(ApopTimestamp!, credentials.Password!);
                    await ExpectOkAsync<TIo>($"APOP {credentials.UserName} {digest}", $"APOP {credentials.UserName} {Transcript.Redacted}", null, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    CheckCommandArgument(credentials.Password!, "password");
                    await ExpectOkAsync<TIo>($"USER {credentials.UserName}", null, null, cancellationToken).ConfigureAwait(false);
                    await ExpectOkAsync<TIo>($"PASS {credentials.Password}", $"PASS {Transcript.Redacted}", null, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (Pop3CommandException e)
        {
            Pop3Log.AuthenticationFailed(_logger, Host, credentials.UserName, method.Name, e.ServerReply ?? e.Message);
            throw new MailAuthenticationException($"POP3 login to {Host} as {credentials.UserName} with {method.Name} failed: {e.ServerReply}", e)
            {
                Mechanism = method.Name,
                ServerReply = e.ServerReply,
                Command = e.Command,
                IsTransient = e.IsTransient,
                MechanismsBeforeTls = MechanismsBeforeTls,
                MechanismsAfterTls = MechanismsAfterTls,
            };
        }
        catch (MailAuthenticationException e)
        {
            Pop3Log.AuthenticationFailed(_logger, Host, credentials.UserName, method.Name, e.Message);
            throw;
        }

        IsAuthenticated = true;
        AuthenticationMechanism = method.Name;
        Pop3Log.Authenticated(_logger, Host, credentials.UserName, method.Name);

        // RFC 2449 section 5: capabilities may change after login (per-user LOGIN-DELAY and EXPIRE, for one).
        if (Capabilities.IsCapaSupported)
        {
            Capabilities = await ReadCapabilitiesAsync<TIo>(cancellationToken).ConfigureAwait(false);
        }

        scope.Succeed();
    }

    private IReadOnlyList<string> MechanismsBeforeTls => IsTls ? OfferedMethods(CapabilitiesBeforeTls) : OfferedMethods(Capabilities);

    private IReadOnlyList<string> MechanismsAfterTls => IsTls ? OfferedMethods(Capabilities) : [];

    private static string[] OfferedMethods(Pop3Capabilities? capabilities)
    {
        if (capabilities is null)
        {
            return [];
        }

        var methods = new List<string>(capabilities.Sasl);
        if (capabilities.Apop)
        {
            methods.Add("APOP");
        }

        if (capabilities.User)
        {
            methods.Add("USER");
        }

        return [.. methods];
    }

    private LoginMethod ChooseMethod(MailCredentials credentials)
    {
        var hasPassword = credentials.Password is not null;
        var apop = ApopTimestamp is not null && hasPassword;
        var user = Capabilities.User && hasPassword;
        var requested = _options.AuthenticationMechanism;
        if (requested is not null)
        {
            if (requested.Equals("APOP", StringComparison.OrdinalIgnoreCase))
            {
                return apop ? new LoginMethod(LoginKind.Apop, "APOP", null) : throw NoMethod($"APOP was asked for, but {(hasPassword ? "the greeting carried no APOP timestamp" : "it needs a password")}.");
            }

            if (requested.Equals("USER", StringComparison.OrdinalIgnoreCase))
            {
                return user ? new LoginMethod(LoginKind.User, "USER", null) : throw NoMethod($"USER/PASS was asked for, but {(hasPassword ? "the server does not offer it" : "it needs a password")}.");
            }

            var named = SaslMechanism.Choose(Capabilities.Sasl, credentials, requested)
                ?? throw NoMethod($"SASL {requested} was asked for, but the server does not offer it or it cannot use these credentials.");
            return new LoginMethod(LoginKind.Sasl, named.Name, named);
        }

        if (SaslMechanism.Choose(Capabilities.Sasl, credentials, null) is { } sasl)
        {
            return new LoginMethod(LoginKind.Sasl, sasl.Name, sasl);
        }

        if (apop)
        {
            return new LoginMethod(LoginKind.Apop, "APOP", null);
        }

        return user
            ? new LoginMethod(LoginKind.User, "USER", null)
            : throw NoMethod($"No login method offered by the server works with {(hasPassword ? "a password" : "an access token")}.");
    }

    private MailAuthenticationException NoMethod(string why) => NotAllowed(
        $"Cannot log in to POP3 server {Host}: {why} Offered before TLS: [{string.Join(", ", MechanismsBeforeTls)}]; " +
        $"after TLS: [{string.Join(", ", MechanismsAfterTls)}]; TLS: {(IsTls ? "yes" : "no")}.",
        null);

    private MailAuthenticationException NotAllowed(string message, string? mechanism) => new(message)
    {
        Mechanism = mechanism,
        MechanismsBeforeTls = MechanismsBeforeTls,
        MechanismsAfterTls = MechanismsAfterTls,
    };

    private async ValueTask EnableUtf8Async<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        // RFC 6856: UTF8 belongs to the AUTHORIZATION state, so it goes before the login, not after.
        var reply = await CommandAsync<TIo>("UTF8", null, cancellationToken).ConfigureAwait(false);
        if (reply.IsOk)
        {
            IsUtf8 = true;
            Pop3Log.Utf8Enabled(_logger, Host);
        }
        else
        {
            Pop3Log.CommandRefused(_logger, Host, "UTF8", reply.Text);
        }
    }

    private enum LoginKind
    {
        Sasl,
        Apop,
        User,
    }

    private readonly record struct LoginMethod(LoginKind Kind, string Name, SaslMechanism? Sasl);
}
