using System;
using NetComm.Mail;
using NetComm.Smtp.Protocol;

namespace NetComm.Smtp;

/// <summary>Options for <see cref="SmtpClient"/>. Defaults are secure: implicit TLS on 465, STARTTLS required elsewhere.</summary>
public sealed class SmtpClientOptions : MailClientOptions
{
    private string? _localDomain;

    /// <summary>
    /// The name sent in EHLO/HELO: a fully qualified domain name or an address literal such as
    /// <c>[192.0.2.1]</c>. Validated when set; when null, the machine's FQDN is used if it has one, else the
    /// local address literal of the connection.
    /// </summary>
    public string? LocalDomain
    {
        get => _localDomain;
        set => _localDomain = value is null ? null : SmtpLocalDomain.Validate(value);
    }

    /// <summary>The SASL mechanism to use; null picks the strongest one the server offers.</summary>
    public string? AuthenticationMechanism { get; set; }

    /// <summary>Pipeline commands when the server offers PIPELINING (RFC 2920).</summary>
    public bool UsePipelining { get; set; } = true;

    /// <summary>Send content with BDAT when the server offers CHUNKING (RFC 3030).</summary>
    public bool UseChunking { get; set; } = true;

    /// <summary>Size of each BDAT chunk in bytes (1 to 16 MiB; one chunk's buffer is held while sending).</summary>
    public int ChunkSize { get; set; } = 64 * 1024;

    /// <summary>What to do when some recipients are refused.</summary>
    public PartialDeliveryPolicy PartialDelivery { get; set; } = PartialDeliveryPolicy.AbortIfAnyRejected;

    private const int MaxChunkSize = 16 * 1024 * 1024;

    private protected override void EnsureProtocolSettingsUsable(string name)
    {
        if (ChunkSize is <= 0 or > MaxChunkSize)
        {
            throw Unusable($"{name}.ChunkSize is {ChunkSize}: use 1 to {MaxChunkSize:N0} bytes (a chunk is buffered whole).");
        }

        if (!Enum.IsDefined(PartialDelivery))
        {
            throw Unusable($"{name}.PartialDelivery {(int)PartialDelivery} is not a PartialDeliveryPolicy: use one of {string.Join(", ", Enum.GetNames<PartialDeliveryPolicy>())}.");
        }
    }

    internal override int ImplicitTlsPort => 465;

    internal override int DefaultPort(TlsMode mode) => mode == TlsMode.ImplicitTls ? 465 : 587;
}
