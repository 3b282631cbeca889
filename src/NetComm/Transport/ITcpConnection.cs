using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace NetComm.Transport;

/// <summary>
/// A TCP connection with a read buffer: the object a server handler is given and a client gets from
/// <see cref="TcpConnection.Connect"/>. Every read is bounded: lines by a maximum length, waits by
/// <see cref="ReadTimeout"/> and, on async calls, by the caller's token.
/// </summary>
public interface ITcpConnection : IDisposable, IAsyncDisposable
{
    /// <summary>A process-wide unique id, for correlating log lines.</summary>
    long Id { get; }

    /// <summary>The peer's address and port.</summary>
    EndPoint? RemoteEndPoint { get; }

    /// <summary>This side's address and port.</summary>
    EndPoint? LocalEndPoint { get; }

    /// <summary>Bytes read from the network so far (after TLS, these are decrypted bytes).</summary>
    long BytesReceived { get; }

    /// <summary>Bytes written so far (before TLS encryption).</summary>
    long BytesSent { get; }

    /// <summary>Bytes already received and buffered but not yet read by the caller.</summary>
    int BufferedCount { get; }

    /// <summary>Whether TLS is active on the connection.</summary>
    bool IsTls { get; }

    /// <summary>The negotiated TLS protocol, or <see cref="SslProtocols.None"/> without TLS.</summary>
    SslProtocols TlsProtocol { get; }

    /// <summary>The negotiated cipher suite, or null without TLS.</summary>
    TlsCipherSuite? TlsCipherSuite { get; }

    /// <summary>The certificate the peer presented during the TLS handshake, if any.</summary>
    X509Certificate? RemoteCertificate { get; }

    /// <summary>Time one read may wait for data before a <see cref="TimeoutException"/>; infinite by default on servers.</summary>
    TimeSpan ReadTimeout { get; set; }

    /// <summary>Time one write may take before a <see cref="TimeoutException"/>.</summary>
    TimeSpan WriteTimeout { get; set; }

    /// <summary>
    /// Once the first byte of a line has arrived, <see cref="ReadLine"/> must find its end within this time or throw
    /// <see cref="TimeoutException"/>, however the bytes trickle in (each byte resets <see cref="ReadTimeout"/>, not this).
    /// Infinite by default; a <see cref="TcpServer"/> sets <see cref="TcpServerOptions.LineTimeout"/>.
    /// </summary>
    TimeSpan LineTimeout { get; set; }

    /// <summary>
    /// The slowest the peer may send during <see cref="ReadExactly"/> and <see cref="ReadExactlyAsync"/>, or null for
    /// no minimum (the default on clients; a <see cref="TcpServer"/> sets <see cref="TcpServerOptions.MinReceiveRate"/>).
    /// A read that falls behind throws <see cref="TimeoutException"/>.
    /// </summary>
    MinDataRate? MinReceiveRate { get; set; }

    /// <summary>
    /// Bounds the total time of every read from now on (not just each read), for handlers with their own framing:
    /// a peer that drips one byte at a time cannot stretch a request past it. Once it has passed, reads throw
    /// <see cref="TimeoutException"/>. Null or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> clears it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromNow"/> is negative.</exception>
    void SetReadDeadline(TimeSpan? fromNow);

    /// <summary>Reads up to <c>buffer.Length</c> bytes; returns 0 at the end of the stream.</summary>
    int Read(Span<byte> buffer);

    /// <summary>Reads up to <c>buffer.Length</c> bytes; returns 0 at the end of the stream.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>Reads exactly <c>buffer.Length</c> bytes or throws <see cref="EndOfStreamException"/>.</summary>
    void ReadExactly(Span<byte> buffer);

    /// <summary>Reads exactly <c>buffer.Length</c> bytes or throws <see cref="EndOfStreamException"/>.</summary>
    ValueTask ReadExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads one line ended by CRLF or LF and returns it without the terminator, decoded as UTF-8;
    /// null at the end of the stream. A line over <paramref name="maxLength"/> bytes throws
    /// <see cref="LineTooLongException"/> without being buffered whole.
    /// </summary>
    string? ReadLine(int maxLength = TcpConnection.DefaultMaxLineLength);

    /// <summary>Asynchronous <see cref="ReadLine"/>.</summary>
    ValueTask<string?> ReadLineAsync(int maxLength = TcpConnection.DefaultMaxLineLength, CancellationToken cancellationToken = default);

    /// <summary>Writes all of <paramref name="data"/> in one send where the OS allows.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>Writes all of <paramref name="data"/>.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="line"/> as UTF-8 followed by CRLF, in one send.</summary>
    void WriteLine(string line);

    /// <summary>Writes <paramref name="line"/> as UTF-8 followed by CRLF, in one send.</summary>
    ValueTask WriteLineAsync(string line, CancellationToken cancellationToken = default);

    /// <summary>Flushes anything the TLS layer holds.</summary>
    void Flush();

    /// <summary>Flushes anything the TLS layer holds.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Half-closes the connection: the peer reads end of stream, and this side can still read.</summary>
    void ShutdownSend();

    /// <summary>
    /// Negotiates TLS as the client. Refused with <see cref="TlsUpgradeException"/> when unread bytes
    /// are buffered: they arrived in plaintext and must not be mistaken for protected data.
    /// </summary>
    void UpgradeToTls(TlsClientOptions options, string targetHost);

    /// <summary>Asynchronous <see cref="UpgradeToTls(TlsClientOptions, string)"/>.</summary>
    ValueTask UpgradeToTlsAsync(TlsClientOptions options, string targetHost, CancellationToken cancellationToken = default);

    /// <summary>Negotiates TLS as the server, with the same refusal of buffered plaintext.</summary>
    void UpgradeToTlsAsServer(TlsServerOptions options);

    /// <summary>Asynchronous <see cref="UpgradeToTlsAsServer(TlsServerOptions)"/>.</summary>
    ValueTask UpgradeToTlsAsServerAsync(TlsServerOptions options, CancellationToken cancellationToken = default);
}
