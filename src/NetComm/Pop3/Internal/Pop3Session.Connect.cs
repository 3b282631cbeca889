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
    /// and reads CAPA again over TLS. Fails with the connection closed and nothing secret sent.
    /// </summary>
    public static async ValueTask<Pop3Session> ConnectAsync<TIo>(Pop3ClientOptions options, ILogger logger, CancellationToken cancellationToken)
        where TIo : IIo
    {
        using var scope = MailTelemetry.Start("pop3", "connect", options.Host, options.EffectivePort);
        var connection = await MailConnection.ConnectAsync<TIo>(options, "POP3", cancellationToken).ConfigureAwait(false);
        var session = await OpenAsync<TIo>(options, logger, connection, cancellationToken).ConfigureAwait(false);
        scope.Succeed();
        return session;
    }

    /// <summary>Starts the conversation on an open connection (closed again on failure).</summary>
    internal static async ValueTask<Pop3Session> OpenAsync<TIo>(Pop3ClientOptions options, ILogger logger, MailConnection connection, CancellationToken cancellationToken)
        where TIo : IIo
    {
        try
        {
            var greeting = await ReadGreetingAsync<TIo>(connection, options, cancellationToken).ConfigureAwait(false);
            var session = new Pop3Session(options, logger, connection, greeting);
            await session.NegotiateTlsAsync<TIo>(cancellationToken).ConfigureAwait(false);
            Pop3Log.Connected(logger, options.Host, options.EffectivePort, session.IsTls, greeting);
            return session;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static async ValueTask<string> ReadGreetingAsync<TIo>(MailConnection connection, Pop3ClientOptions options, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ReadOnlyMemory<byte> line;
        try
        {
            line = await connection.ReadLineAsync<TIo>(cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e) when (!connection.IsTls)
        {
            // A TLS-only port waits for our ClientHello and never greets in plaintext.
            throw new TimeoutException(
                $"{e.Message} No POP3 greeting came from {options.Host}:{options.EffectivePort}; if that port speaks implicit TLS, " +
                $"use TlsMode.ImplicitTls (usual port {Pop3ClientOptions.ImplicitTlsDefaultPort}).",
                e);
        }

        var reply = Pop3Reply.Parse(line.Span, GreetingCommand);
        return reply.IsOk ? reply.Text : throw reply.ToException(GreetingCommand);
    }

    private async ValueTask NegotiateTlsAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        Capabilities = await ReadCapabilitiesAsync<TIo>(cancellationToken).ConfigureAwait(false);
        var mode = _options.EffectiveTlsMode;
        if (IsTls || mode is not (TlsMode.StartTlsRequired or TlsMode.StartTlsWhenAvailable))
        {
            return;
        }

        var required = mode == TlsMode.StartTlsRequired;

        // A server without CAPA may still know STLS; one whose CAPA leaves it out does not (or it was stripped).
        if (Capabilities.IsCapaSupported && !Capabilities.StartTls)
        {
            NoTls(required, "the server did not offer STLS in its CAPA reply");
            return;
        }

        var reply = await CommandAsync<TIo>("STLS", null, cancellationToken).ConfigureAwait(false);
        if (!reply.IsOk)
        {
            NoTls(required, $"the server refused STLS (-ERR {reply.Text})");
            return;
        }

        // The +OK line was read alone; anything the server sent after it is still buffered, and the upgrade
        // refuses to start over buffered plaintext (the STARTTLS injection attack).
        await _connection.StartTlsAsync<TIo>(cancellationToken).ConfigureAwait(false);
        Pop3Log.TlsStarted(_logger, Host, _options.EffectivePort, Tcp.TlsProtocol);
        CapabilitiesBeforeTls = Capabilities;
        Capabilities = await ReadCapabilitiesAsync<TIo>(cancellationToken).ConfigureAwait(false);
    }

    private void NoTls(bool required, string reason)
    {
        if (required)
        {
            throw new MailSecurityException(
                $"POP3 server {Host}:{_options.EffectivePort}: {reason}, and TlsMode.StartTlsRequired demands TLS. Nothing secret was sent. " +
                $"If the server speaks implicit TLS use TlsMode.ImplicitTls (port {Pop3ClientOptions.ImplicitTlsDefaultPort}); " +
                "TlsMode.StartTlsWhenAvailable accepts plaintext at the risk of an attacker stripping STLS.");
        }

        _connection.Transcript.Note($"continuing without TLS: {reason}");
        Pop3Log.ContinuingWithoutTls(_logger, Host, _options.EffectivePort, reason);
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

        var lines = await ReadListingLinesAsync<TIo>("CAPA", cancellationToken).ConfigureAwait(false);
        return Pop3Capabilities.Parse(lines, apop);
    }
}
