using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
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
}
