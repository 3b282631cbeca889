using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Mail.Internal;

namespace NetComm.Mail.Sasl;

/// <summary>
/// One SASL exchange (RFC 4422), written once for SMTP and POP3: the initial response on the AUTH line when it
/// fits, else after the server's first empty challenge; challenges decoded and answered; a challenge that is not
/// base64 or that the mechanism rejects is cancelled with <c>*</c> and reported as
/// <see cref="MailAuthenticationException"/> with the session kept; a server that accepts a cancelled exchange,
/// or that reports success without proving itself (SCRAM), ends the session.
/// </summary>
internal static class SaslExchange
{
    public static async ValueTask RunAsync<TIo>(SaslMechanism mechanism, ISaslWire wire, AuthenticationContext context, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var auth = $"AUTH {mechanism.Name}";
        string? pendingInitial = null;
        string? initialOnLine = null;
        if (mechanism.InitialResponse() is { } initial)
        {
            var encoded = initial.Length == 0 ? "=" : Convert.ToBase64String(initial);
            if (auth.Length + 1 + encoded.Length + 2 <= wire.MaxAuthLine)
            {
                initialOnLine = encoded;
            }
            else
            {
                pendingInitial = initial.Length == 0 ? "" : encoded;
            }
        }

        var step = await wire.StartAsync<TIo>(mechanism.Name, initialOnLine, cancellationToken).ConfigureAwait(false);
        while (step.Kind == SaslStepKind.Challenge)
        {
            string response;
            try
            {
                var challenge = Decode(step.Text, mechanism.Name, context);
                if (pendingInitial is not null && challenge.Length == 0)
                {
                    response = pendingInitial;
                    pendingInitial = null;
                }
                else
                {
                    response = Convert.ToBase64String(mechanism.Respond(challenge));
                }
            }
            catch (MailAuthenticationException e)
            {
                // RFC 4954 / RFC 5034: "*" cancels; the server answers with a refusal and the session goes on.
                var cancelled = await wire.RespondAsync<TIo>("*", cancellationToken).ConfigureAwait(false);
                if (cancelled.Kind != SaslStepKind.Failure)
                {
                    throw new MailProtocolException($"The {context.Protocol} server {context.Host} did not end a cancelled {auth} exchange with a refusal (it answered \"{cancelled.ServerReply}\").");
                }

                context.Protocol.LogAuthenticationFailed(context.Logger, context.Host, context.Credentials.UserName, mechanism.Name, e.Message);
                throw;
            }

            step = await wire.RespondAsync<TIo>(response, cancellationToken).ConfigureAwait(false);
        }

        if (step.Kind == SaslStepKind.Failure)
        {
            // A refusal ends it: trying the next mechanism with the same password invites account lockouts.
            context.Protocol.LogAuthenticationFailed(context.Logger, context.Host, context.Credentials.UserName, mechanism.Name, step.ServerReply);
            throw context.Failure(
                $"{context.Protocol} login to {context.Host} as {context.Credentials.UserName} with {mechanism.Name} failed: {step.ServerReply}",
                mechanism.Name,
                auth,
                step,
                inner: step.Refusal);
        }

        try
        {
            mechanism.Completed();
        }
        catch (MailAuthenticationException e)
        {
            // The server let us in without proving who it is: a session with an impostor must not be used.
            context.Protocol.LogAuthenticationFailed(context.Logger, context.Host, context.Credentials.UserName, mechanism.Name, e.Message);
            throw context.Failure($"{e.Message} The connection to {context.Host} was closed.", mechanism.Name, auth, endsSession: true, inner: e);
        }
    }

    private static byte[] Decode(string text, string mechanism, AuthenticationContext context)
    {
        try
        {
            return Convert.FromBase64String(text.Trim());
        }
        catch (FormatException e)
        {
            throw new MailAuthenticationException(
                $"The {context.Protocol} server {context.Host} sent a {mechanism} challenge that is not base64 ({Encoding.UTF8.GetByteCount(text)} bytes); the exchange was cancelled.",
                e)
            {
                Mechanism = mechanism,
                MechanismsBeforeTls = context.MechanismsBeforeTls,
                MechanismsAfterTls = context.MechanismsAfterTls,
            };
        }
    }
}
