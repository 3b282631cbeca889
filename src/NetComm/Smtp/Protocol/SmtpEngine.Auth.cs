using System;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Mail.Sasl;

namespace NetComm.Smtp.Protocol;

/// <summary>AUTH (RFC 4954): the SMTP framing of the shared <see cref="SaslExchange"/>.</summary>
internal sealed partial class SmtpEngine : ISaslWire
{
    /// <summary>RFC 4954 section 4: the AUTH command line may be up to 12,288 octets.</summary>
    int ISaslWire.MaxAuthLine => 12_288;

    /// <summary>The mechanism of the last successful login on this connection.</summary>
    public string? AuthenticationMechanism { get; private set; }

    public async ValueTask AuthenticateAsync<TIo>(MailCredentials credentials, CancellationToken cancellationToken)
        where TIo : IIo
    {
        using var scope = MailTelemetry.Start("smtp", "authenticate", _options.Host, _options.EffectivePort);
        var before = Live.IsTls ? _mechanismsBeforeTls : Capabilities.AuthenticationMechanisms;
        var after = Live.IsTls ? Capabilities.AuthenticationMechanisms : [];
        var context = new AuthenticationContext(MailProtocol.Smtp, _options, _logger, credentials, Live.IsTls, before, after);
        context.EnsureChannelAllowsSecrets(_options.AuthenticationMechanism ?? "AUTH");
        var mechanism = SaslMechanism.Choose(Capabilities.AuthenticationMechanisms, credentials, _options.AuthenticationMechanism)
            ?? throw context.NoMethod($"{(_options.AuthenticationMechanism is { } named ? $"{named} was asked for, but the server does not offer it or it cannot use these credentials." : "no offered mechanism works with these credentials.")}");

        await SaslExchange.RunAsync<TIo>(mechanism, this, context, cancellationToken).ConfigureAwait(false);
        Gate.MoveTo(MailSessionState.Authenticated);
        AuthenticationMechanism = mechanism.Name;
        MailProtocol.Smtp.LogAuthenticated(_logger, _options.Host, credentials.UserName, mechanism.Name);
        scope.Succeed();
    }

    async ValueTask<SaslStep> ISaslWire.StartAsync<TIo>(string mechanism, string? initialResponse, CancellationToken cancellationToken)
    {
        var command = initialResponse is null ? $"AUTH {mechanism}" : $"AUTH {mechanism} {initialResponse}";
        var shown = initialResponse is null ? command : $"AUTH {mechanism} {Transcript.Redacted}";
        return ToStep(await CommandAsync<TIo>(command, shown, cancellationToken).ConfigureAwait(false));
    }

    async ValueTask<SaslStep> ISaslWire.RespondAsync<TIo>(string response, CancellationToken cancellationToken)
        => ToStep(await CommandAsync<TIo>(response, response == "*" ? "*" : Transcript.Redacted, cancellationToken).ConfigureAwait(false));

    private static SaslStep ToStep(SmtpReply reply) => reply.Code switch
    {
        334 => SaslStep.Challenge(reply.Lines.Count > 0 ? reply.Lines[0] : "", reply.ToString()),
        235 => SaslStep.Success(reply.ToString()),
        _ => new SaslStep(SaslStepKind.Failure, reply.Text, reply.ToString(), reply.Code, reply.IsTransient),
    };
}
