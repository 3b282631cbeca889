using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Mail.Internal;
using NetComm.Mail.Sasl;

namespace NetComm.Pop3.Internal;

/// <summary>AUTH (RFC 5034): the POP3 framing of the shared <see cref="SaslExchange"/>.</summary>
internal sealed partial class Pop3Session : ISaslWire
{
    /// <summary>RFC 5034 section 4: an AUTH command line (CRLF included) longer than this must leave the initial response for later.</summary>
    int ISaslWire.MaxAuthLine => 255;

    async ValueTask<SaslStep> ISaslWire.StartAsync<TIo>(string mechanism, string? initialResponse, CancellationToken cancellationToken)
    {
        var shown = $"AUTH {mechanism}";
        var command = initialResponse is null ? shown : $"{shown} {initialResponse}";
        await SendAsync<TIo>(command, initialResponse is null ? shown : $"{shown} {Transcript.Redacted}", cancellationToken).ConfigureAwait(false);
        return await ReadSaslStepAsync<TIo>(shown, cancellationToken).ConfigureAwait(false);
    }

    async ValueTask<SaslStep> ISaslWire.RespondAsync<TIo>(string response, CancellationToken cancellationToken)
    {
        var shown = response == "*" ? "*" : Transcript.Redacted;
        await SendAsync<TIo>(response, shown, cancellationToken).ConfigureAwait(false);
        return await ReadSaslStepAsync<TIo>("AUTH", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A challenge is "+ base64" (or a bare "+"); "+OK" and "-ERR" are status lines.</summary>
    private async ValueTask<SaslStep> ReadSaslStepAsync<TIo>(string shown, CancellationToken cancellationToken)
        where TIo : IIo
    {
        _connection.BeginReply(shown, _options.CommandTimeout, ReplyBudget.StatusLine(_options.MaxLineLength));
        var line = await _connection.ReadLineAsync<TIo>(cancellationToken).ConfigureAwait(false);
        var span = line.Span;
        if (span.Length >= 1 && span[0] == '+' && (span.Length == 1 || span[1] == ' '))
        {
            return SaslStep.Challenge(span.Length > 2 ? Encoding.ASCII.GetString(span[2..]) : "", Encoding.ASCII.GetString(span));
        }

        var reply = Pop3Reply.Parse(span, shown);
        if (reply.IsOk)
        {
            return SaslStep.Success(reply.ToString());
        }

        var refusal = Refused(reply, shown);
        return new SaslStep(SaslStepKind.Failure, reply.Text, reply.ToString(), null, refusal.IsTransient, refusal);
    }
}
