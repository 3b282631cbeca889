using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using NetComm.Internal;

namespace NetComm.Mail.Internal;

/// <summary>
/// The TLS decision both protocols share after the greeting and the first capability list: upgrade with
/// STARTTLS/STLS when the mode asks for it, refuse to go on without TLS when the mode requires it (nothing secret
/// has been sent at that point), or carry on in plaintext with a warning when the mode allows it. The caller then
/// reads the capabilities again, as RFC 3207 and RFC 2595 demand.
/// </summary>
internal static class StartTlsNegotiation
{
    /// <param name="connection">The plaintext connection, greeted and with capabilities read.</param>
    /// <param name="options">The client's options (TLS mode, host, ports).</param>
    /// <param name="logger">Where the decision is logged.</param>
    /// <param name="offered">Whether the capabilities name the upgrade verb; null when the server lists no capabilities (it may still know it).</param>
    /// <param name="requestUpgrade">Sends the verb and returns null on the go-ahead, or the server's refusal.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <returns>True when the connection is now TLS and the capabilities must be read again.</returns>
    public static async ValueTask<bool> RunAsync<TIo>(
        MailConnection connection,
        MailClientOptions options,
        ILogger logger,
        bool? offered,
        Func<CancellationToken, ValueTask<string?>> requestUpgrade,
        CancellationToken cancellationToken)
        where TIo : IIo
    {
        var mode = options.EffectiveTlsMode;
        if (connection.IsTls || mode is not (TlsMode.StartTlsRequired or TlsMode.StartTlsWhenAvailable))
        {
            return false;
        }

        var verb = connection.Protocol.StartTlsVerb;
        var required = mode == TlsMode.StartTlsRequired;
        if (offered == false)
        {
            Decline(connection, options, logger, required, $"the server did not offer {verb}", null);
            return false;
        }

        var refusal = await requestUpgrade(cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            Decline(connection, options, logger, required, $"the server refused {verb} ({refusal})", refusal);
            return false;
        }

        // The go-ahead was read alone; anything the server sent after it is still buffered, and the upgrade
        // refuses to start over buffered plaintext (the STARTTLS injection attack).
        await connection.StartTlsAsync<TIo>(cancellationToken).ConfigureAwait(false);
        connection.Protocol.LogTlsStarted(logger, options.Host, options.EffectivePort, connection.TlsSummary);
        return true;
    }

    private static void Decline(MailConnection connection, MailClientOptions options, ILogger logger, bool required, string reason, string? serverReply)
    {
        var protocol = connection.Protocol;
        if (required)
        {
            throw new MailSecurityException(
                $"{protocol} server {options.Host}:{options.EffectivePort}: {reason}, and TlsMode.StartTlsRequired demands TLS. Nothing secret was sent. " +
                $"If the port expects TLS from the first byte (usually {options.ImplicitTlsPort}), use TlsMode.ImplicitTls; " +
                $"TlsMode.StartTlsWhenAvailable accepts plaintext at the risk of an attacker stripping {protocol.StartTlsVerb}.")
            {
                ServerReply = serverReply,
            };
        }

        connection.Transcript.Note($"continuing WITHOUT TLS: {reason}");
        protocol.LogContinuingWithoutTls(logger, options.Host, options.EffectivePort, reason);
    }
}
