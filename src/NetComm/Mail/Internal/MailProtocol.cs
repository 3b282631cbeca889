using System;
using Microsoft.Extensions.Logging;
using NetComm.Diagnostics;

namespace NetComm.Mail.Internal;

/// <summary>
/// What the shared session core needs to know about a protocol: its name, its STARTTLS verb, and the event ids
/// of the moments both protocols log alike (so the same moment has the same message and level in both).
/// </summary>
internal sealed class MailProtocol
{
    public static readonly MailProtocol Smtp = new(
        "SMTP", "STARTTLS",
        NetCommEventIds.SmtpConnected, NetCommEventIds.SmtpTlsStarted, NetCommEventIds.SmtpTlsNotAvailable,
        NetCommEventIds.SmtpAuthenticated, NetCommEventIds.SmtpAuthenticationFailed, NetCommEventIds.SmtpSessionFailed,
        NetCommEventIds.SmtpDisconnected, NetCommEventIds.SmtpCertificateRejected, NetCommEventIds.SmtpTranscript, NetCommEventIds.SmtpConnectFailed);

    public static readonly MailProtocol Pop3 = new(
        "POP3", "STLS",
        NetCommEventIds.Pop3Connected, NetCommEventIds.Pop3TlsStarted, NetCommEventIds.Pop3ContinuingWithoutTls,
        NetCommEventIds.Pop3Authenticated, NetCommEventIds.Pop3AuthenticationFailed, NetCommEventIds.Pop3ConnectionFailed,
        NetCommEventIds.Pop3Disconnected, NetCommEventIds.Pop3CertificateRejected, NetCommEventIds.Pop3Transcript, NetCommEventIds.Pop3ConnectFailed);

    private readonly Action<ILogger, string, string, int, string, Exception?> _connected;
    private readonly Action<ILogger, string, string, int, string, Exception?> _tlsStarted;
    private readonly Action<ILogger, string, string, int, string, Exception?> _continuingWithoutTls;
    private readonly Action<ILogger, string, string, string, string, Exception?> _authenticated;
    private readonly Action<ILogger, string, string, string, string, string, Exception?> _authenticationFailed;
    private readonly Action<ILogger, string, string, int, string, string, Exception?> _sessionFailed;
    private readonly Action<ILogger, string, string, int, Exception?> _disconnected;
    private readonly Action<ILogger, string, string, int, string, Exception?> _certificateRejected;
    private readonly Action<ILogger, string, string, Exception?> _transcript;
    private readonly Action<ILogger, string, string, int, string, Exception?> _connectFailed;

    private MailProtocol(string name, string startTlsVerb, int connected, int tlsStarted, int withoutTls, int authenticated, int authenticationFailed, int failed, int disconnected, int certificateRejected, int transcript, int connectFailed)
    {
        Name = name;
        StartTlsVerb = startTlsVerb;
        _connected = LoggerMessage.Define<string, string, int, string>(LogLevel.Information, new EventId(connected, "Connected"), "{Protocol} connected to {Host}:{Port} (TLS: {Tls})");
        _tlsStarted = LoggerMessage.Define<string, string, int, string>(LogLevel.Debug, new EventId(tlsStarted, "TlsStarted"), "{Protocol} upgraded the connection to {Host}:{Port} to TLS ({Tls})");
        _continuingWithoutTls = LoggerMessage.Define<string, string, int, string>(LogLevel.Warning, new EventId(withoutTls, "ContinuingWithoutTls"), "{Protocol} server {Host}:{Port}: {Reason}; continuing WITHOUT TLS because TlsMode is StartTlsWhenAvailable");
        _authenticated = LoggerMessage.Define<string, string, string, string>(LogLevel.Information, new EventId(authenticated, "Authenticated"), "{Protocol} logged in to {Host} as {User} with {Mechanism}");
        _authenticationFailed = LoggerMessage.Define<string, string, string, string, string>(LogLevel.Warning, new EventId(authenticationFailed, "AuthenticationFailed"), "{Protocol} login to {Host} as {User} with {Mechanism} failed: {Reason}");
        _sessionFailed = LoggerMessage.Define<string, string, int, string, string>(LogLevel.Warning, new EventId(failed, "SessionFailed"), "{Protocol} session with {Host}:{Port} broke and its connection was closed{Consequence}: {Reason}");
        _disconnected = LoggerMessage.Define<string, string, int>(LogLevel.Debug, new EventId(disconnected, "Disconnected"), "{Protocol} disconnected from {Host}:{Port}");
        _certificateRejected = LoggerMessage.Define<string, string, int, string>(LogLevel.Error, new EventId(certificateRejected, "CertificateRejected"), "{Protocol} server {Host}:{Port}: {Rejection}");
        _transcript = LoggerMessage.Define<string, string>(LogLevel.Trace, new EventId(transcript, "Transcript"), "{Protocol} {Line}");
        _connectFailed = LoggerMessage.Define<string, string, int, string>(LogLevel.Warning, new EventId(connectFailed, "ConnectFailed"), "{Protocol} could not connect to {Host}:{Port}: {Reason}");
    }

    /// <summary>"SMTP" or "POP3", as messages show it.</summary>
    public string Name { get; }

    /// <summary>The command that upgrades a plaintext connection: STARTTLS (RFC 3207) or STLS (RFC 2595).</summary>
    public string StartTlsVerb { get; }

    public void LogConnected(ILogger logger, string host, int port, string tls) => _connected(logger, Name, host, port, tls, null);

    public void LogTlsStarted(ILogger logger, string host, int port, string tls) => _tlsStarted(logger, Name, host, port, tls, null);

    public void LogContinuingWithoutTls(ILogger logger, string host, int port, string reason) => _continuingWithoutTls(logger, Name, host, port, reason, null);

    public void LogAuthenticated(ILogger logger, string host, string user, string mechanism) => _authenticated(logger, Name, host, user, mechanism, null);

    public void LogAuthenticationFailed(ILogger logger, string host, string user, string mechanism, string reason) => _authenticationFailed(logger, Name, host, user, mechanism, reason, null);

    // consequence: what the break cost, shown after "closed" (for example "; 2 pending deletion(s) were not committed"), or "".
    public void LogSessionFailed(ILogger logger, string host, int port, Exception error, string consequence = "") => _sessionFailed(logger, Name, host, port, consequence, error.Message, error);

    public void LogDisconnected(ILogger logger, string host, int port) => _disconnected(logger, Name, host, port, null);

    public void LogCertificateRejected(ILogger logger, string host, int port, string rejection) => _certificateRejected(logger, Name, host, port, rejection, null);

    public void LogTranscript(ILogger logger, string line) => _transcript(logger, Name, line, null);

    public void LogConnectFailed(ILogger logger, string host, int port, Exception error) => _connectFailed(logger, Name, host, port, error.Message, error);

    public override string ToString() => Name;
}
