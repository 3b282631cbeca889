using System;
using System.IO;
using System.Threading;
using Microsoft.Extensions.Logging;
using NetComm.Transport;

namespace NetComm.Mail;

/// <summary>What SMTP and POP3 clients share: where to connect, how to secure it, how long to wait, where to log.</summary>
public abstract class MailClientOptions
{
    /// <summary>
    /// The server's host name (also the name its certificate must carry, unless <see cref="TlsClientOptions.TargetHost"/>
    /// says otherwise). Required: no server is assumed, and connecting without one fails before any network activity.
    /// </summary>
    public string Host { get; set; } = "";

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
    /// Time allowed for the server's greeting, the first reply. Short by default: a server that stays silent is most
    /// often a port that expects TLS from the first byte (use <see cref="TlsMode.ImplicitTls"/>), and the error says
    /// so within seconds instead of minutes. Raise it for a server that delays its greeting on purpose.
    /// </summary>
    public TimeSpan GreetingTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time allowed for each whole reply after the greeting: one deadline from the first read to the last line, so a
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

    /// <summary>
    /// Also sends the transcript to <see cref="Logger"/>, one Trace event per line (event ids 2011 and 3014), redacted
    /// exactly as the <see cref="Transcript"/> writer's lines; either may be used without the other.
    /// </summary>
    public bool LogTranscript { get; set; }

    /// <summary>Also write message content to the transcript (off: content is summarised by its size).</summary>
    public bool TranscriptIncludesContent { get; set; }

    /// <summary>The port used when <see cref="Port"/> is 0.</summary>
    internal abstract int DefaultPort(TlsMode mode);

    /// <summary>
    /// Refuses, before any network activity, options that cannot work: no host, a port out of range, a limit or
    /// timeout that is not positive, or a TLS mode that contradicts the port. Options are plain settable objects
    /// (bound from configuration, say), so this runs at connect time, with a message naming the setting.
    /// </summary>
    /// <exception cref="InvalidOperationException">The options cannot work; nothing was sent.</exception>
    internal void EnsureUsable()
    {
        var name = GetType().Name;
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw Unusable($"{name}.Host is not set: name the server to connect to (no server is assumed).");
        }

        if (Port is < 0 or > 65535)
        {
            throw Unusable($"{name}.Port {Port} is not a TCP port: use 1-65535, or 0 for the usual port of the TLS mode.");
        }

        if (Tls is null)
        {
            throw Unusable($"{name}.Tls is null: leave the default (a new TlsClientOptions) when there is nothing to set.");
        }

        foreach (var (value, setting) in new[]
        {
            (ConnectTimeout, nameof(ConnectTimeout)), (GreetingTimeout, nameof(GreetingTimeout)), (CommandTimeout, nameof(CommandTimeout)),
            (DataTimeout, nameof(DataTimeout)), (Tls.HandshakeTimeout, "Tls.HandshakeTimeout"),
        })
        {
            if (!TimeoutRule.IsValid(value))
            {
                throw Unusable($"{name}.{setting} is {value}: {TimeoutRule.Description}.");
            }
        }

        foreach (var (value, setting) in new[] { (MaxLineLength, nameof(MaxLineLength)), (MaxReplyLines, nameof(MaxReplyLines)), (MaxReplyBytes, nameof(MaxReplyBytes)) })
        {
            if (value <= 0)
            {
                throw Unusable($"{name}.{setting} is {value}: a limit must be positive.");
            }
        }

        // A number bound from configuration can name no mode at all; it must not fall through to plaintext.
        if (!Enum.IsDefined(TlsMode))
        {
            throw Unusable($"{name}.TlsMode {(int)TlsMode} is not a TlsMode: use one of {string.Join(", ", Enum.GetNames<TlsMode>())}.");
        }

        if (!Enum.IsDefined(Tls.Revocation))
        {
            throw Unusable($"{name}.Tls.Revocation {(int)Tls.Revocation} is not a RevocationCheck: use one of {string.Join(", ", Enum.GetNames<RevocationCheck>())}.");
        }

        if (Tls.ReplaceCertificateValidation is not null && (Tls.Pins.Count > 0 || Tls.TrustedRoots.Count > 0 || Tls.CertificateValidation is not null))
        {
            throw Unusable($"{name}.Tls.ReplaceCertificateValidation decides alone, so the Pins, TrustedRoots and CertificateValidation also set would be ignored: set one or the other.");
        }

        if (TlsMode is (TlsMode.None or TlsMode.StartTlsRequired or TlsMode.StartTlsWhenAvailable) && Port == ImplicitTlsPort)
        {
            throw Unusable($"{name}.Port {Port} is the implicit-TLS port by convention, but TlsMode is {TlsMode}: use TlsMode.ImplicitTls (or TlsMode.Auto).");
        }

        EnsureProtocolSettingsUsable(name);
    }

    /// <summary>The protocol's own settings, checked as <see cref="EnsureUsable"/> checks the common ones.</summary>
    private protected virtual void EnsureProtocolSettingsUsable(string name)
    {
    }

    private protected static InvalidOperationException Unusable(string message) => new(message + " Nothing was sent.");

    /// <summary>The port that is implicit TLS by convention for this protocol.</summary>
    internal abstract int ImplicitTlsPort { get; }

    /// <summary>The mode in force after resolving <see cref="TlsMode.Auto"/> against the port.</summary>
    internal TlsMode EffectiveTlsMode => TlsMode != TlsMode.Auto
        ? TlsMode
        : EffectivePort == ImplicitTlsPort ? TlsMode.ImplicitTls : TlsMode.StartTlsRequired;

    /// <summary>The port actually connected to.</summary>
    internal int EffectivePort => Port != 0 ? Port : DefaultPort(TlsMode == TlsMode.Auto ? TlsMode.ImplicitTls : TlsMode);
}
