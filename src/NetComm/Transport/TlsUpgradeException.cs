using System;

namespace NetComm.Transport;

/// <summary>
/// A TLS upgrade was refused or failed: the handshake failed, or the peer had already sent bytes
/// that would be read as if they came through TLS (the STARTTLS command-injection attack).
/// </summary>
public sealed class TlsUpgradeException : TransportException
{
    /// <summary>Creates the exception.</summary>
    public TlsUpgradeException(string message) : base(message) { }

    /// <summary>Creates the exception with the cause.</summary>
    public TlsUpgradeException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public TlsUpgradeException() { }

    /// <summary>How many unread plaintext bytes were pending when the upgrade was refused (0 when none).</summary>
    public int PendingBytes { get; init; }

    /// <summary>
    /// When the peer answered the handshake with readable text instead of TLS (a plaintext greeting such
    /// as <c>220 mail.example.com ESMTP</c>), its first bytes; otherwise null. This is the classic mix-up
    /// of implicit TLS and STARTTLS ports.
    /// </summary>
    public string? PeerPlaintext { get; init; }

    /// <summary>
    /// When the server's certificate was refused, why, in words (chain status, name mismatch, or the callback
    /// that refused it) with the certificate's subject, issuer, SHA-256 thumbprint and validity dates; otherwise null.
    /// </summary>
    public string? CertificateRejection { get; init; }
}
