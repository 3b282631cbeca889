using System.Text;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Mail.Sasl;

namespace NetComm.Pop3.Internal;

internal sealed partial class Pop3Session
{
    /// <summary>RFC 5034 section 4: an AUTH command line (CRLF included) longer than this must leave the initial response for later.</summary>
    private const int MaxAuthLine = 255;

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

    /// <summary>
    /// AUTH (RFC 5034): the initial response goes on the AUTH line when the line stays within 255 octets,
    /// else after the server's empty challenge. A mechanism that rejects a challenge cancels with "*".
    /// </summary>
    private async ValueTask SaslAsync<TIo>(SaslMechanism mechanism, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var shown = $"AUTH {mechanism.Name}";
        var command = shown;
        var pendingInitial = mechanism.InitialResponse();
        if (pendingInitial is not null)
        {
            var encoded = pendingInitial.Length == 0 ? "=" : Convert.ToBase64String(pendingInitial);
            if (command.Length + 1 + encoded.Length + 2 <= MaxAuthLine)
            {
                command += " " + encoded;
                shown += " " + Transcript.Redacted;
                pendingInitial = null;
            }
        }

        await SendAsync<TIo>(command, shown, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var line = await _connection.ReadLineAsync<TIo>(cancellationToken).ConfigureAwait(false);
            if (!IsContinuation(line.Span))
            {
                var reply = Pop3Reply.Parse(line.Span, shown);
                if (!reply.IsOk)
                {
                    throw Refused(reply, shown);
                }

                try
                {
                    mechanism.Completed();
                }
                catch (MailAuthenticationException)
                {
                    // The server let us in without proving who it is: the session cannot be trusted.
                    Close();
                    throw;
                }

                return;
            }

            byte[] response;
            try
            {
                var challenge = DecodeChallenge(line.Span, mechanism.Name);
                if (pendingInitial is not null && challenge.Length == 0)
                {
                    response = pendingInitial;
                    pendingInitial = null;
                }
                else
                {
                    response = mechanism.Respond(challenge);
                }
            }
            catch (MailAuthenticationException)
            {
                await CancelSaslAsync<TIo>(shown, cancellationToken).ConfigureAwait(false);
                throw;
            }

            await SendAsync<TIo>(Convert.ToBase64String(response), Transcript.Redacted, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask CancelSaslAsync<TIo>(string shown, CancellationToken cancellationToken)
        where TIo : IIo
    {
        await SendAsync<TIo>("*", null, cancellationToken).ConfigureAwait(false);
        var reply = await ReadReplyAsync<TIo>(shown + " (cancelled)", cancellationToken).ConfigureAwait(false);
        if (reply.IsOk)
        {
            Close();
            throw new MailProtocolException($"The POP3 server {Host} accepted a cancelled {shown} exchange.");
        }
    }

    /// <summary>A SASL challenge line is "+ base64" (or a bare "+"); "+OK" is a status line.</summary>
    private static bool IsContinuation(ReadOnlySpan<byte> line)
        => line.Length >= 1 && line[0] == '+' && (line.Length == 1 || line[1] == ' ');

    private static byte[] DecodeChallenge(ReadOnlySpan<byte> line, string mechanism)
    {
        var text = line.Length > 2 ? Encoding.ASCII.GetString(line[2..]).Trim() : "";
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new MailAuthenticationException($"The POP3 server sent a {mechanism} challenge that is not base64.", e) { Mechanism = mechanism };
        }
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
