using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging.Abstractions;
using NetComm.Internal;
using NetComm.Transport;

namespace NetComm.Mail.Internal;

/// <summary>
/// What the SMTP and POP3 engines share on the wire: connecting with the TLS mode's rules, the reply contract
/// (one deadline and one size budget per reply, greeting included), command writes with a transcript, the
/// STARTTLS/STLS upgrade, and the translation of transport failures into NetComm's exceptions. Knows no verbs.
/// </summary>
internal sealed class MailConnection : IDisposable
{
    private readonly MailClientOptions _options;
    private readonly TcpConnection _tcp;

    // The reply being read: what it answers, its deadline and what is left of its budget.
    private string? _replyTo;
    private TimeSpan _replyTimeout;
    private int _linesLeft;
    private long _bytesLeft;
    private ReplyBudget _budget;
    private long _receivedAtStart;
    private int _bufferedAtStart;
    private TimeSpan _timeoutCap = TimeSpan.MaxValue;

    private MailConnection(MailClientOptions options, MailProtocol protocol, TcpConnection tcp)
    {
        _options = options;
        Protocol = protocol;
        _tcp = tcp;
        Transcript = new Transcript(options.Transcript, options.TranscriptIncludesContent, options.LogTranscript ? options.Logger : null, protocol);
    }

    public MailProtocol Protocol { get; }

    public Transcript Transcript { get; }

    public TcpConnection Tcp => _tcp;

    public bool IsTls => _tcp.IsTls;

    public string Host => _options.Host;

    public int Port => _options.EffectivePort;

    /// <summary>Bytes that crossed the wire either way; an operation that did not change it never touched the conversation.</summary>
    public long WireBytes => _tcp.BytesSent + _tcp.BytesReceived;

    /// <summary>"TLS 1.3" style summary for logs, or "none".</summary>
    public string TlsSummary => IsTls ? _tcp.TlsProtocol.ToString() : "none";

    /// <summary>Runs the protocol over an already open connection (tests drive engines over scripted streams this way).</summary>
    internal static MailConnection Over(TcpConnection tcp, MailClientOptions options, MailProtocol protocol) => new(options, protocol, tcp);

    public static async ValueTask<MailConnection> ConnectAsync<TIo>(MailClientOptions options, MailProtocol protocol, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var tcpOptions = new TcpClientOptions
        {
            ConnectTimeout = options.ConnectTimeout,
            ReadTimeout = options.CommandTimeout,
            WriteTimeout = options.CommandTimeout,
            ImplicitTls = options.EffectiveTlsMode == TlsMode.ImplicitTls ? options.Tls : null,
        };
        try
        {
            var tcp = await TcpConnection.ConnectAsync<TIo>(options.Host, options.EffectivePort, tcpOptions, cancellationToken).ConfigureAwait(false);
            var connection = new MailConnection(options, protocol, tcp);
            connection.Transcript.Note($"connected to {options.Host}:{options.EffectivePort} ({tcp.RemoteEndPoint}){(tcp.IsTls ? $", {tcp.TlsProtocol} {tcp.TlsCipherSuite}" : "")}");
            return connection;
        }
        catch (Exception e) when (e is TransportException or TimeoutException)
        {
            var failure = ConnectFailed(e, options, protocol);
            protocol.LogConnectFailed(options.Logger ?? NullLogger.Instance, options.Host, options.EffectivePort, failure);
            if (ReferenceEquals(failure, e))
            {
                throw;
            }

            throw failure;
        }
    }

    /// <summary>What a failed connect means to the caller; both clients log it alike (ConnectFailed).</summary>
    private static Exception ConnectFailed(Exception error, MailClientOptions options, MailProtocol protocol) => error switch
    {
        // Bytes prove it: the server greeted in plaintext where a TLS handshake belonged.
        TlsUpgradeException { PeerPlaintext: { } plaintext } => new TlsModeMismatchException(
            $"{options.Host}:{options.EffectivePort} answered the TLS handshake with a plaintext greeting (\"{plaintext}\"): " +
            $"this port speaks {protocol.StartTlsVerb}, not implicit TLS. Use TlsMode.StartTlsRequired (usual port {options.DefaultPort(TlsMode.StartTlsRequired)}).",
            TlsMode.StartTlsRequired,
            error),
        TlsUpgradeException upgrade => TlsFailed(upgrade, options, protocol),
        TransportException => new MailProtocolException($"Could not connect to {protocol} server {options.Host}:{options.EffectivePort}: {error.Message}", error),
        _ => error,
    };

    /// <summary>
    /// Starts one reply: every read until <see cref="EndReply"/> shares one deadline of <paramref name="timeout"/>
    /// (a server dripping a byte at a time cannot stretch it) and one <paramref name="budget"/> of lines and bytes.
    /// <paramref name="replyTo"/> names the command, or "greeting", for the timeout message.
    /// </summary>
    public ReplyScope BeginReply(string replyTo, TimeSpan timeout, ReplyBudget budget)
    {
        if (timeout > _timeoutCap)
        {
            timeout = _timeoutCap;
        }

        _replyTo = replyTo;
        _replyTimeout = timeout;
        _budget = budget;
        _linesLeft = budget.MaxLines;
        _bytesLeft = budget.MaxBytes;
        _receivedAtStart = _tcp.BytesReceived;
        _bufferedAtStart = _tcp.BufferedCount;
        // The deadline governs: a single read may wait as long as the whole reply may take.
        _tcp.ReadTimeout = timeout;
        _tcp.SetReadDeadline(timeout);
        return new ReplyScope(this);
    }

    /// <summary>
    /// Shortens every later reply's deadline to at most <paramref name="cap"/>, and writes too: a client saying
    /// goodbye (dispose) must not wait the full command timeout on a dead server.
    /// </summary>
    public void CapTimeouts(TimeSpan cap)
    {
        _timeoutCap = cap;
        if (!_tcp.IsDisposed && (_tcp.WriteTimeout == Timeout.InfiniteTimeSpan || _tcp.WriteTimeout > cap))
        {
            _tcp.WriteTimeout = cap;
        }
    }

    /// <summary>Gives the rest of the current reply a new budget, keeping its deadline (a listing after its +OK line).</summary>
    public void WidenReply(ReplyBudget budget)
    {
        _budget = budget;
        _linesLeft = budget.MaxLines;
        _bytesLeft = budget.MaxBytes;
    }

    /// <summary>Ends the current reply and clears its deadline.</summary>
    public void EndReply()
    {
        _replyTo = null;
        _tcp.SetReadDeadline(null);
    }

    /// <summary>
    /// Reads one line of the current reply (without CRLF), bounded by <see cref="MailClientOptions.MaxLineLength"/>,
    /// the reply's budget and its deadline. The returned memory is valid until the next read.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        RequireReply();
        ReadOnlyMemory<byte>? line;
        try
        {
            line = await _tcp.ReadLineAsync<TIo>(_options.MaxLineLength, allowPartial: false, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw TimedOut(e);
        }
        catch (LineTooLongException e)
        {
            throw new MailProtocolException($"The {Protocol} server {Host}:{Port} sent a line longer than {_options.MaxLineLength} bytes in its reply to {_replyTo}.", e);
        }

        if (line is not { } bytes)
        {
            throw new MailProtocolException($"The {Protocol} server {Host}:{Port} closed the connection while answering {_replyTo}.");
        }

        if (!_tcp.IsTls && LooksLikeTlsRecord(bytes.Span))
        {
            throw TlsWhereTextBelongs();
        }

        if (--_linesLeft < 0 || (_bytesLeft -= bytes.Length + 2) < 0)
        {
            throw new MailProtocolException(
                $"The {Protocol} server {Host}:{Port} broke the protocol: its reply to {_replyTo} exceeded {_budget.MaxLines:N0} lines or {_budget.MaxBytes:N0} bytes.");
        }

        Transcript.Server(bytes.Span);
        MailTelemetry.BytesReceived.Add(bytes.Length + 2);
        return bytes;
    }

    /// <summary>The bytes received but not yet consumed; content readers work on this window directly.</summary>
    public ReadOnlyMemory<byte> Buffered => _tcp.Buffered;

    /// <summary>Marks buffered bytes as consumed.</summary>
    public void Consume(int count) => _tcp.Consume(count);

    /// <summary>Reads more bytes of the current reply into the buffer, under its deadline; false at the end of the stream.</summary>
    public async ValueTask<bool> FillAsync<TIo>(CancellationToken cancellationToken)
        where TIo : IIo
    {
        RequireReply();
        try
        {
            return await _tcp.FillAsync<TIo>(cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw TimedOut(e);
        }
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
        => WriteAsync<TIo>(FrameCommands(commands), cancellationToken);

    /// <summary>The bytes of several command lines, each shown in the transcript as if written now.</summary>
    public byte[] FrameCommands(IReadOnlyList<string> commands)
    {
        var batch = new StringBuilder();
        foreach (var command in commands)
        {
            Transcript.Client(command);
            batch.Append(command).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(batch.ToString());
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
            await _tcp.UpgradeToTlsAsync<TIo>(_options.Tls, _options.Host, cancellationToken).ConfigureAwait(false);
            Transcript.Note($"TLS established: {_tcp.TlsProtocol} {_tcp.TlsCipherSuite}");
        }
        catch (TlsUpgradeException e) when (e.PendingBytes > 0)
        {
            throw new MailSecurityException(
                $"The {Protocol} server {Host}:{Port} sent {e.PendingBytes} bytes after agreeing to start TLS and before the handshake: " +
                "a command-injection attack or a broken server. The connection was closed.",
                e);
        }
        catch (TlsUpgradeException e)
        {
            throw TlsFailed(e, _options, Protocol);
        }
    }

    /// <summary>A failed handshake, implicit or after STARTTLS; a refused certificate is also logged, with its facts.</summary>
    private static MailSecurityException TlsFailed(TlsUpgradeException error, MailClientOptions options, MailProtocol protocol)
    {
        if (error.CertificateRejection is { } rejection)
        {
            protocol.LogCertificateRejected(options.Logger ?? NullLogger.Instance, options.Host, options.EffectivePort, rejection);
        }

        return new MailSecurityException($"TLS with {protocol} server {options.Host}:{options.EffectivePort} failed: {error.Message}", error);
    }

    /// <summary>
    /// Maps a failure during a conversation to what the public API promises: transport failures become
    /// <see cref="MailProtocolException"/>; NetComm's own exceptions pass through.
    /// </summary>
    public static Exception Translate(Exception error, MailProtocol protocol, string host) => error switch
    {
        TransportException or IOException => new MailProtocolException($"The connection to {protocol} server {host} failed: {error.Message}", error),
        _ => error,
    };

    public void Dispose() => _tcp.Dispose();

    private void RequireReply()
    {
        if (_replyTo is null)
        {
            // Every read belongs to a reply with a deadline; a read outside one is a bug in an engine.
            throw new InvalidOperationException("Internal error: a mail reply was read without a reply deadline.");
        }
    }

    private static bool LooksLikeTlsRecord(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] is 0x15 or 0x16 && bytes[1] == 0x03;

    private TlsModeMismatchException TlsWhereTextBelongs() => new(
        $"{Host}:{Port} answered with TLS bytes, not a {Protocol} reply: this port speaks implicit TLS. " +
        $"Use TlsMode.ImplicitTls (usual port {_options.ImplicitTlsPort}).",
        TlsMode.ImplicitTls);

    private Exception TimedOut(TimeoutException inner)
    {
        var arrived = _tcp.BytesReceived - _receivedAtStart + _bufferedAtStart;
        if (!_tcp.IsTls && LooksLikeTlsRecord(_tcp.Buffered.Span))
        {
            return TlsWhereTextBelongs();
        }

        var seconds = _replyTimeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var message = $"The {Protocol} server {Host}:{Port} did not complete its {(_replyTo == Greeting ? "greeting" : $"reply to {_replyTo}")} within {seconds} s ({arrived:N0} bytes had arrived).";
        if (_replyTo == Greeting && !_tcp.IsTls && arrived == 0)
        {
            // Silence proves nothing: say both likely causes instead of guessing one.
            message += $" Either the server is slow (raise GreetingTimeout), or the port expects TLS from the first byte (implicit TLS, usually port {_options.ImplicitTlsPort}): then use TlsMode.ImplicitTls.";
        }

        return new TimeoutException(message, inner);
    }

    /// <summary>The name under which the greeting is read.</summary>
    public const string Greeting = "greeting";

    /// <summary>Ends a reply when disposed (a <c>using</c> around each reply keeps the deadline from leaking into the next read).</summary>
    public readonly struct ReplyScope(MailConnection connection) : IDisposable
    {
        public void Dispose() => connection.EndReply();
    }
}
