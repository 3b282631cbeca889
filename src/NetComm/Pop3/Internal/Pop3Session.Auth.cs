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
        using var scope = MailTelemetry.Start("pop3", "authenticate", Host, _options.EffectivePort);
        var context = new AuthenticationContext(MailProtocol.Pop3, _options, _logger, credentials, IsTls, MechanismsBeforeTls, MechanismsAfterTls);
        var method = ChooseMethod(credentials, context);
        context.EnsureChannelAllowsSecrets(method.Name);
        if (_options.EnableUtf8 && Capabilities.Utf8 && !IsUtf8)
        {
            await EnableUtf8Async<TIo>(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            switch (method.Kind)
            {
                case LoginKind.Sasl:
                    await SaslExchange.RunAsync<TIo>(method.Sasl!, this, context, cancellationToken).ConfigureAwait(false);
                    break;
                case LoginKind.Apop:
                    var digest = ApopDigest.Compute(ApopTimestamp!, credentials.Password!);
                    await ExpectOkAsync<TIo>($"APOP {credentials.UserName} {digest}", $"APOP {credentials.UserName} {Transcript.Redacted}", null, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await ExpectOkAsync<TIo>($"USER {credentials.UserName}", null, null, cancellationToken).ConfigureAwait(false);
                    await ExpectOkAsync<TIo>($"PASS {credentials.Password}", $"PASS {Transcript.Redacted}", null, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (Pop3CommandException e)
        {
            MailProtocol.Pop3.LogAuthenticationFailed(_logger, Host, credentials.UserName, method.Name, e.ServerReply ?? e.Message);
            throw context.Failure(
                $"POP3 login to {Host} as {credentials.UserName} with {method.Name} failed: {e.ServerReply}",
                method.Name,
                e.Command,
                new SaslStep(SaslStepKind.Failure, "", e.ServerReply ?? "", null, e.IsTransient),
                inner: e);
        }

        _gate.MoveTo(MailSessionState.Authenticated);
        AuthenticationMechanism = method.Name;
        MailProtocol.Pop3.LogAuthenticated(_logger, Host, credentials.UserName, method.Name);

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

    private LoginMethod ChooseMethod(MailCredentials credentials, AuthenticationContext context)
    {
        var hasPassword = credentials.Password is not null;
        var apop = ApopTimestamp is not null && hasPassword;
        var user = Capabilities.User && hasPassword;
        var requested = _options.AuthenticationMechanism;
        if (requested is not null)
        {
            if (requested.Equals("APOP", StringComparison.OrdinalIgnoreCase))
            {
                return apop ? new LoginMethod(LoginKind.Apop, "APOP", null) : throw context.NoMethod($"APOP was asked for, but {(hasPassword ? "the greeting carried no APOP timestamp" : "it needs a password")}.");
            }

            if (requested.Equals("USER", StringComparison.OrdinalIgnoreCase))
            {
                return user ? new LoginMethod(LoginKind.User, "USER", null) : throw context.NoMethod($"USER/PASS was asked for, but {(hasPassword ? "the server does not offer it" : "it needs a password")}.");
            }

            var named = SaslMechanism.Choose(Capabilities.Sasl, credentials, requested)
                ?? throw context.NoMethod($"SASL {requested} was asked for, but the server does not offer it or it cannot use these credentials.");
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
            : throw context.NoMethod($"No login method offered by the server works with {(hasPassword ? "a password" : "an access token")}.");
    }

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
