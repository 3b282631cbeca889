using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Mail.Sasl;

namespace NetComm.Smtp.Protocol;

internal sealed partial class SmtpEngine
{
    public async ValueTask AuthenticateAsync<TIo>(MailCredentials credentials, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (IsAuthenticated)
        {
            throw new InvalidOperationException("The SMTP client is already authenticated.");
        }

        using var scope = MailTelemetry.Start("smtp", "authenticate", _options.Host, _options.EffectivePort);
        var before = Live.IsTls ? _mechanismsBeforeTls : Capabilities.AuthenticationMechanisms;
        var after = Live.IsTls ? Capabilities.AuthenticationMechanisms : [];
        if (!Live.IsTls && !_options.AllowPlaintextAuthentication)
        {
            throw new MailAuthenticationException(
                $"Refusing to authenticate to {_options.Host}:{_options.EffectivePort} without TLS; nothing was sent. " +
                "Use a TLS mode, or set AllowPlaintextAuthentication for a trusted network.")
            {
                MechanismsBeforeTls = before,
                MechanismsAfterTls = after,
            };
        }

        var mechanism = SaslMechanism.Choose(Capabilities.AuthenticationMechanisms, credentials, _options.AuthenticationMechanism);
        if (mechanism is null)
        {
            throw new MailAuthenticationException(
                $"No authentication mechanism fits: the server offers [{string.Join(", ", before)}] before TLS and " +
                $"[{string.Join(", ", after)}] after TLS; requested: {_options.AuthenticationMechanism ?? "the strongest"}; " +
                $"credentials: {(credentials.AccessToken is null ? "password" : "OAuth token")}.")
            {
                MechanismsBeforeTls = before,
                MechanismsAfterTls = after,
            };
        }

        await RunSaslAsync<TIo>(mechanism, credentials, cancellationToken).ConfigureAwait(false);
        IsAuthenticated = true;
        SmtpLog.Authenticated(_logger, credentials.UserName, mechanism.Name);
        scope.Succeed();
    }

    private async ValueTask RunSaslAsync<TIo>(SaslMechanism mechanism, MailCredentials credentials, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var initial = mechanism.InitialResponse();
        var command = initial is null
            ? $"AUTH {mechanism.Name}"
            : $"AUTH {mechanism.Name} {(initial.Length == 0 ? "=" : Convert.ToBase64String(initial))}";
        var reply = await CommandAsync<TIo>(command, initial is null ? command : $"AUTH {mechanism.Name} {Transcript.Redacted}", cancellationToken).ConfigureAwait(false);
        while (reply.Code == 334)
        {
            byte[] response;
            try
            {
                response = mechanism.Respond(DecodeChallenge(reply));
            }
            catch (MailAuthenticationException)
            {
                // Cancel the exchange (RFC 4954: "*"), read the server's 501, then report our reason.
                await CommandAsync<TIo>("*", null, cancellationToken).ConfigureAwait(false);
                throw;
            }

            reply = await CommandAsync<TIo>(Convert.ToBase64String(response), Transcript.Redacted, cancellationToken).ConfigureAwait(false);
        }

        if (reply.Code == 235)
        {
            try
            {
                mechanism.Completed();
            }
            catch (MailAuthenticationException)
            {
                // The server accepted us but could not prove itself: do not use a session with an impostor.
                Break();
                throw;
            }

            return;
        }

        // A refusal ends it: trying the next mechanism with the same password invites account lockouts.
        SmtpLog.AuthenticationFailed(_logger, credentials.UserName, mechanism.Name, reply.Code);
        throw new MailAuthenticationException($"Authentication as {credentials.UserName} with {mechanism.Name} failed: {reply}")
        {
            Mechanism = mechanism.Name,
            StatusCode = reply.Code,
            IsTransient = reply.IsTransient,
            ServerReply = reply.ToString(),
            Command = $"AUTH {mechanism.Name}",
            MechanismsBeforeTls = Live.IsTls ? _mechanismsBeforeTls : Capabilities.AuthenticationMechanisms,
            MechanismsAfterTls = Live.IsTls ? Capabilities.AuthenticationMechanisms : [],
        };
    }

    private byte[] DecodeChallenge(SmtpReply reply)
    {
        var text = reply.Lines.Count > 0 ? reply.Lines[0].Trim() : "";
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new MailProtocolException($"The SMTP server {_options.Host} sent an AUTH challenge that is not base64: \"{Encoding.UTF8.GetByteCount(text)} bytes\".", e);
        }
    }
}
