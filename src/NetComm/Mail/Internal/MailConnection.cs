using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Transport;

namespace NetComm.Mail.Internal;

/// <summary>
/// What the SMTP and POP3 engines share on the wire: connecting with the TLS mode's rules, bounded line
/// reads, command writes with a transcript, the STARTTLS/STLS upgrade, and the translation of transport
/// failures into <see cref="MailProtocolException"/>. Knows no protocol verbs.
/// </summary>
internal sealed class MailConnection : IDisposable
{
    private readonly MailClientOptions _options;
    private readonly string _protocol;
    private readonly TcpConnection _tcp;

    private MailConnection(MailClientOptions options, string protocol, TcpConnection tcp)
    {
        _options = options;
        _protocol = protocol;
        _tcp = tcp;
        Transcript = new Transcript(options.Transcript, options.TranscriptIncludesContent);
    }

    public Transcript Transcript { get; }

    public TcpConnection Tcp => _tcp;

    public bool IsTls => _tcp.IsTls;

    public string Host => _options.Host;

    public int Port => _options.EffectivePort;

    /// <summary>Runs the protocol over an already open connection (tests drive engines over scripted streams this way).</summary>
    internal static MailConnection Over(TcpConnection tcp, MailClientOptions options, string protocol) => new(options, protocol, tcp);

    public static async ValueTask<MailConnection> ConnectAsync<TIo>(MailClientOptions options, string protocol, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var mode = options.EffectiveTlsMode;
        var tcpOptions = new TcpClientOptions
        {
            ConnectTimeout = options.ConnectTimeout,
            ReadTimeout = options.CommandTimeout,
            WriteTimeout = options.CommandTimeout,
            ImplicitTls = mode == TlsMode.ImplicitTls ? CertificateValidator.ToTlsOptions(options) : null,
        };
        try
        {
            var tcp = await TcpConnection.ConnectAsync<TIo>(options.Host, options.EffectivePort, tcpOptions, cancellationToken).ConfigureAwait(false);
            var connection = new MailConnection(options, protocol, tcp);
            connection.Transcript.Note($"connected to {options.Host}:{options.EffectivePort} ({tcp.RemoteEndPoint}){(tcp.IsTls ? $", {tcp.TlsProtocol} {tcp.TlsCipherSuite}" : "")}");
            return connection;
        }
        catch (TlsUpgradeException e) when (e.PeerPlaintext is not null)
        {
            throw new TlsModeMismatchException(
                $"{options.Host}:{options.EffectivePort} answered the TLS handshake with a plaintext greeting (\"{e.PeerPlaintext}\"): " +
                $"this port speaks STARTTLS, not implicit TLS. Use TlsMode.StartTlsRequired (usual port {options.DefaultPort(TlsMode.StartTlsRequired)}).",
                TlsMode.StartTlsRequired,
                e);
        }
        catch (TlsUpgradeException e)
        {
            throw new MailSecurityException($"TLS with {options.Host}:{options.EffectivePort} failed: {e.Message}", e);
        }
        catch (TransportException e)
        {
            throw new MailProtocolException($"Could not connect to {protocol} server {options.Host}:{options.EffectivePort}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads one reply line (without CRLF), bounded by <see cref="MailClientOptions.MaxLineLength"/> and the
    /// read timeout. The returned memory is valid until the next read.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        ReadOnlyMemory<byte>? line;
        try
        {
            line = await _tcp.ReadLineAsync<TIo>(_options.MaxLineLength, allowPartial: false, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"The {_protocol} server {Host}:{Port} did not answer within {_readBudget.TotalSeconds:0.###} s.", e);
        }
        catch (LineTooLongException e)
        {
            throw new MailProtocolException($"The {_protocol} server sent a line longer than {_options.MaxLineLength} bytes.", e);
        }

        if (line is not { } bytes)
        {
            throw new MailProtocolException($"The {_protocol} server {Host}:{Port} closed the connection.");
        }

        if (!_tcp.IsTls && bytes.Length > 0 && bytes.Span[0] is 0x15 or 0x16)
        {
            // A TLS record (alert or handshake) where a text reply belongs: the port expects implicit TLS.
            throw new TlsModeMismatchException(
                $"{Host}:{Port} answered with TLS bytes, not a {_protocol} reply: this port speaks implicit TLS. " +
                $"Use TlsMode.ImplicitTls (usual port {_options.ImplicitTlsPort}).",
                TlsMode.ImplicitTls);
        }

        Transcript.Server(bytes.Span);
        MailTelemetry.BytesReceived.Add(bytes.Length + 2);
        return bytes;
    }

    /// <summary>Writes bytes as they are (commands already framed with CRLF, or content).</summary>
    public async ValueTask WriteAsync<TIo>(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        where TIo : IIo
    {
        await _tcp.WriteAsync<TIo>(bytes, cancellationToken).ConfigureAwait(false);
        MailTelemetry.BytesSent.Add(bytes.Length);
    }

    /// <summary>Writes one command line, showing <paramref name="shown"/> (redacted) in the transcript.</summary>
    public ValueTask WriteCommandAsync<TIo>(string command, string? shown, CancellationToken cancellationToken)
        where TIo : IIo
    {
        Transcript.Client(shown ?? command);
        return WriteAsync<TIo>(Encoding.UTF8.GetBytes(command + "\r\n"), cancellationToken);
    }

    /// <summary>Writes several command lines in one write (pipelining), each shown in the transcript.</summary>
    public ValueTask WriteCommandsAsync<TIo>(IReadOnlyList<string> commands, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var batch = new StringBuilder();
        foreach (var command in commands)
        {
            Transcript.Client(command);
            batch.Append(command).Append("\r\n");
        }

        return WriteAsync<TIo>(Encoding.UTF8.GetBytes(batch.ToString()), cancellationToken);
    }

    /// <summary>
    /// Upgrades to TLS after the server's go-ahead. Bytes already buffered after the go-ahead are an
    /// injection attempt and fail the connection (see <see cref="TcpConnection"/>).
    /// </summary>
    public async ValueTask StartTlsAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        try
        {
            await _tcp.UpgradeToTlsAsync<TIo>(CertificateValidator.ToTlsOptions(_options), _options.Host, cancellationToken).ConfigureAwait(false);
            Transcript.Note($"TLS established: {_tcp.TlsProtocol} {_tcp.TlsCipherSuite}");
        }
        catch (TlsUpgradeException e) when (e.PendingBytes > 0)
        {
            throw new MailSecurityException(
                $"The {_protocol} server {Host}:{Port} sent {e.PendingBytes} bytes after agreeing to start TLS and before the handshake: " +
                "a command-injection attack or a broken server. The connection was closed.",
                e);
        }
        catch (TlsUpgradeException e)
        {
            throw new MailSecurityException($"TLS with {Host}:{Port} failed: {e.Message}", e);
        }
    }

    private TimeSpan _readBudget;

    /// <summary>
    /// Starts the clock for one reply: every read until <see cref="EndReply"/> shares <paramref name="budget"/>,
    /// so a server dripping a byte at a time cannot stretch a reply past it.
    /// </summary>
    public void BeginReply(TimeSpan budget)
    {
        _readBudget = budget;
        _tcp.SetReadDeadline(budget);
    }

    /// <summary>Sets the time each single read may wait (the final reply to a message may take longer than a command).</summary>
    public void SetReadTimeout(TimeSpan timeout) => _tcp.ReadTimeout = timeout;

    /// <summary>Clears the reply deadline.</summary>
    public void EndReply() => _tcp.SetReadDeadline(null);

    /// <summary>
    /// Maps a failure during a conversation to what the public API promises. Command refusals pass through;
    /// anything else means the connection can no longer be trusted and the caller must drop it.
    /// </summary>
    public static Exception Translate(Exception error, string protocol, string host) => error switch
    {
        MailException or TimeoutException or OperationCanceledException or ArgumentException or InvalidOperationException => error,
        TransportException or IOException => new MailProtocolException($"The connection to {protocol} server {host} failed: {error.Message}", error),
        _ => error,
    };

    public void Dispose() => _tcp.Dispose();
}
