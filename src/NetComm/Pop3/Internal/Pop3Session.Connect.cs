using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using NetComm.Diagnostics;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;

namespace NetComm.Pop3.Internal;

internal sealed partial class Pop3Session
{
    private const string GreetingCommand = "the connection (greeting)";

    /// <summary>
    /// Connects as the TLS mode says, reads the greeting and CAPA, upgrades with STLS when the mode asks for it
    /// and reads CAPA again over TLS. Fails with the connection closed and nothing secret sent. <c>opened</c> is
    /// told the connection as soon as it exists, so a cancellation can close it before there is a session.
    /// </summary>
    public static async ValueTask<Pop3Session> ConnectAsync<TIo>(Pop3ClientOptions options, ILogger logger, MailSessionGate gate, Func<MailConnection>? transportForTests, Action<MailConnection> opened, CancellationToken cancellationToken)
        where TIo : IIo
    {
        using var scope = MailTelemetry.Start("pop3", "connect", options.Host, options.EffectivePort);
        var connection = transportForTests?.Invoke()
            ?? await MailConnection.ConnectAsync<TIo>(options, MailProtocol.Pop3, cancellationToken).ConfigureAwait(false);
        opened(connection);
        try
        {
            gate.MoveTo(connection.IsTls ? MailSessionState.Secured : MailSessionState.Connected);
            connection.BeginReply(MailConnection.Greeting, options.GreetingTimeout, ReplyBudget.StatusLine(options.MaxLineLength));
            var line = await connection.ReadLineAsync<TIo>(cancellationToken).ConfigureAwait(false);
            var greeting = Pop3Reply.Parse(line.Span, GreetingCommand);
            if (!greeting.IsOk)
            {
                throw greeting.ToException(GreetingCommand, endsSession: true);
            }

            var session = new Pop3Session(options, logger, connection, gate, greeting);
            await session.NegotiateTlsAsync<TIo>(cancellationToken).ConfigureAwait(false);
            MailProtocol.Pop3.LogConnected(logger, options.Host, options.EffectivePort, connection.TlsSummary);
            scope.Succeed();
            return session;
        }
        catch (Exception e)
        {
            // As SMTP's engine does when its session breaks: the one log line of a failure after the connection was made.
            if (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                MailProtocol.Pop3.LogSessionFailed(logger, options.Host, options.EffectivePort, e);
            }

            connection.Dispose();
            gate.MoveTo(MailSessionState.Broken);
            throw;
        }
    }

    private async ValueTask NegotiateTlsAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        Capabilities = await ReadCapabilitiesAsync<TIo>(cancellationToken).ConfigureAwait(false);

        // A server without CAPA may still know STLS; one whose CAPA leaves it out does not (or it was stripped).
        var upgraded = await StartTlsNegotiation.RunAsync<TIo>(
            _connection,
            _options,
            _logger,
            Capabilities.IsCapaSupported ? Capabilities.StartTls : null,
            async token =>
            {
                var reply = await CommandAsync<TIo>("STLS", null, token).ConfigureAwait(false);
                return reply.IsOk ? null : reply.ToString();
            },
            cancellationToken).ConfigureAwait(false);
        if (upgraded)
        {
            _gate.MoveTo(MailSessionState.Secured);
            CapabilitiesBeforeTls = Capabilities;
            Capabilities = await ReadCapabilitiesAsync<TIo>(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>CAPA (RFC 2449); a server that refuses it is an RFC 1939 server with USER/PASS only.</summary>
    private async ValueTask<Pop3Capabilities> ReadCapabilitiesAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        var reply = await CommandAsync<TIo>("CAPA", null, cancellationToken).ConfigureAwait(false);
        var apop = ApopTimestamp is not null;
        if (!reply.IsOk)
        {
            return Pop3Capabilities.None(apop);
        }

        var lines = await ReadListingLinesAsync<TIo>(cancellationToken).ConfigureAwait(false);
        return Pop3Capabilities.Parse(lines, apop);
    }
}
