using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;

namespace NetComm.Mail.Sasl;

/// <summary>
/// The protocol-specific half of a SASL exchange: how SMTP (RFC 4954) or POP3 (RFC 5034) frames AUTH, a
/// response, and a cancellation, and how it reads the server's step. Everything else is <see cref="SaslExchange"/>.
/// </summary>
internal interface ISaslWire
{
    /// <summary>The longest AUTH command line (CRLF included) the protocol allows: 12,288 octets for SMTP, 255 for POP3.</summary>
    int MaxAuthLine { get; }

    /// <summary>Sends <c>AUTH mechanism [initial]</c> (the initial response already base64, or null) and reads the first step.</summary>
    ValueTask<SaslStep> StartAsync<TIo>(string mechanism, string? initialResponse, CancellationToken cancellationToken)
        where TIo : IIo;

    /// <summary>Sends one base64 response line and reads the next step.</summary>
    ValueTask<SaslStep> RespondAsync<TIo>(string response, CancellationToken cancellationToken)
        where TIo : IIo;
}
