using System;
using System.IO;
using Microsoft.Extensions.Logging;
using NetComm.Transport;

namespace NetComm.Mail;

/// <summary>What SMTP and POP3 clients share: where to connect, how to secure it, how long to wait, where to log.</summary>
public abstract class MailClientOptions
{
    /// <summary>The server's host name (also the name its certificate must carry).</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>The server's port; 0 picks the protocol's default for <see cref="TlsMode"/>.</summary>
    public int Port { get; set; }

    /// <summary>How the connection is protected; secure by default.</summary>
    public TlsMode TlsMode { get; set; } = TlsMode.Auto;

    /// <summary>
    /// How TLS is set up and the server certificate trusted (the same settings type as <see cref="TcpConnection"/>):
    /// pins, a validation callback, revocation, client certificates, the handshake timeout. Its
    /// <see cref="TlsClientOptions.TargetHost"/> defaults to <see cref="Host"/>.
    /// </summary>
    public TlsClientOptions Tls { get; set; } = new();

    /// <summary>
    /// Allows sending a password over a connection without TLS. Off by default; leave it off unless the
    /// network itself is trusted (a test server on loopback).
    /// </summary>
    public bool AllowPlaintextAuthentication { get; set; }

    /// <summary>Time allowed to resolve and connect.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Time allowed for each whole reply, greeting included: one deadline from the first read to the last line, so a
    /// server that sends a byte at a time cannot stretch a reply past it. A timeout closes the session.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Time allowed for message content and the reply that confirms it: SMTP's reply after the message (RFC 5321
    /// suggests 10 minutes) and each POP3 message being received (RETR, TOP). One deadline for the whole message.
    /// </summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest reply line accepted, in bytes; longer is a protocol error.</summary>
    public int MaxLineLength { get; set; } = 4096;

    /// <summary>Most lines in one reply (an SMTP reply, a POP3 CAPA list); more is a protocol error. Listings are bounded by the message count instead.</summary>
    public int MaxReplyLines { get; set; } = 100;

    /// <summary>Most bytes in one reply (an SMTP reply, a POP3 CAPA list); more is a protocol error.</summary>
    public int MaxReplyBytes { get; set; } = 64 * 1024;

    /// <summary>Where log events go (with stable event ids, see <c>NetCommEventIds</c>).</summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// When set, receives the protocol conversation as <c>C: </c> and <c>S: </c> lines (like Python's
    /// <c>set_debuglevel(1)</c>). Passwords and AUTH exchanges are always shown as <c>********</c>.
    /// </summary>
    public TextWriter? Transcript { get; set; }

    /// <summary>Also write message content to the transcript (off: content is summarised by its size).</summary>
    public bool TranscriptIncludesContent { get; set; }

    /// <summary>The port used when <see cref="Port"/> is 0.</summary>
    internal abstract int DefaultPort(TlsMode mode);

    /// <summary>The port that is implicit TLS by convention for this protocol.</summary>
    internal abstract int ImplicitTlsPort { get; }

    /// <summary>The mode in force after resolving <see cref="TlsMode.Auto"/> against the port.</summary>
    internal TlsMode EffectiveTlsMode => TlsMode != TlsMode.Auto
        ? TlsMode
        : EffectivePort == ImplicitTlsPort ? TlsMode.ImplicitTls : TlsMode.StartTlsRequired;

    /// <summary>The port actually connected to.</summary>
    internal int EffectivePort => Port != 0 ? Port : DefaultPort(TlsMode == TlsMode.Auto ? TlsMode.ImplicitTls : TlsMode);
}
