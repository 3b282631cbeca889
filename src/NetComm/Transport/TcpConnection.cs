using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace NetComm.Transport;

/// <summary>
/// A TCP connection over a <see cref="Socket"/>, with a read buffer, line reading, timeouts and TLS
/// upgrade. Synchronous and asynchronous calls share one implementation (see <c>Internal/IIo.cs</c>).
/// Not thread-safe: one reader and one writer at a time.
/// </summary>
public sealed partial class TcpConnection : ITcpConnection
{
    /// <summary>Default size of the read buffer: large enough to stream efficiently (4 KiB halves bulk throughput).</summary>
    public const int DefaultBufferSize = 16 * 1024;

    /// <summary>Default maximum line length for <see cref="ReadLine"/>.</summary>
    public const int DefaultMaxLineLength = 8 * 1024;

    private static long s_lastId;

    private readonly Socket? _socket;
    private readonly Stream _transport;
    private readonly int _bufferSize;
    private Stream _stream;
    private SslStream? _sslStream;
    private byte[]? _buffer;
    private int _readPos;
    private int _readEnd;
    private long _bytesReceived;
    private long _bytesSent;
    private long _lastActivity = Environment.TickCount64;
    private TimeSpan _readTimeout = Timeout.InfiniteTimeSpan;
    private TimeSpan _writeTimeout = Timeout.InfiniteTimeSpan;
    private int _disposed;

    /// <summary>Wraps a connected socket; the connection owns it from now on.</summary>
    /// <exception cref="ArgumentException">The socket is not connected.</exception>
    /// <exception cref="TransportException">The peer reset the connection before it could be wrapped.</exception>
    public TcpConnection(Socket socket, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 256);
        if (!socket.Connected)
        {
            throw new ArgumentException("The socket is not connected.", nameof(socket));
        }

        try
        {
            // Read first: a peer that reset the connection at once makes these throw ENOTCONN.
            RemoteEndPoint = socket.RemoteEndPoint;
            LocalEndPoint = socket.LocalEndPoint;
        }
        catch (SocketException e)
        {
            throw new TransportException(
                $"The connection was closed by the peer before it could be used: {e.Message}",
                new SocketException((int)SocketError.ConnectionReset));
        }

        _socket = socket;
        _bufferSize = bufferSize;
        _transport = new NetworkStream(socket, ownsSocket: true);
        _stream = _transport;
        Id = Interlocked.Increment(ref s_lastId);
    }

    /// <summary>Runs the connection over any stream: lets tests control exactly how bytes arrive.</summary>
    internal TcpConnection(Stream transport, int bufferSize = DefaultBufferSize)
    {
        _transport = transport;
        _stream = transport;
        _bufferSize = bufferSize;
        Id = Interlocked.Increment(ref s_lastId);
    }

    /// <inheritdoc />
    public long Id { get; }

    /// <inheritdoc />
    public EndPoint? RemoteEndPoint { get; }

    /// <inheritdoc />
    public EndPoint? LocalEndPoint { get; }

    /// <inheritdoc />
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <inheritdoc />
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <inheritdoc />
    public int BufferedCount => _readEnd - _readPos;

    /// <inheritdoc />
    public bool IsTls => _sslStream is not null;

    /// <inheritdoc />
    public SslProtocols TlsProtocol => _sslStream?.SslProtocol ?? SslProtocols.None;

    /// <inheritdoc />
    public TlsCipherSuite? TlsCipherSuite => _sslStream?.NegotiatedCipherSuite;

    /// <inheritdoc />
    public X509Certificate? RemoteCertificate => _sslStream?.RemoteCertificate;

    /// <summary>The underlying socket, for options this class does not surface.</summary>
    public Socket Socket => _socket ?? throw new InvalidOperationException("This connection runs over a stream, not a socket.");

    /// <summary>Whether <see cref="Dispose"/> has run (or the server closed the connection).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary><see cref="Environment.TickCount64"/> of the last read or write that moved bytes.</summary>
    internal long LastActivity => Volatile.Read(ref _lastActivity);

    /// <inheritdoc />
    public TimeSpan ReadTimeout
    {
        get => _readTimeout;
        set
        {
            _readTimeout = ValidateTimeout(value);
            ApplySocketReceiveTimeout(value);
        }
    }

    /// <inheritdoc />
    public TimeSpan WriteTimeout
    {
        get => _writeTimeout;
        set
        {
            _writeTimeout = ValidateTimeout(value);
            _socket?.SendTimeout = ToSocketTimeout(value);
        }
    }

    /// <inheritdoc />
    public void ShutdownSend()
    {
        try
        {
            Socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException e)
        {
            throw new TransportException($"Half-closing connection #{Id} to {RemoteEndPoint} failed: {e.Message}", e);
        }
    }

    /// <summary>Why the server closed this connection under its handler (idle, stopping), or null.</summary>
    internal string? AbortReason { get; private set; }

    /// <summary>Closes the socket at once so that blocked reads and writes on other threads return.</summary>
    internal void Abort(string reason)
    {
        AbortReason ??= reason;
        try
        {
            _socket?.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset or closed by the peer: closing below is all that is left to do.
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        _socket?.Close();
        _transport.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _sslStream?.Dispose();
        }
        catch (IOException)
        {
            // The close_notify could not be sent; the socket is closed below regardless.
        }

        _transport.Dispose();
        _socket?.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    /// <inheritdoc />
    public override string ToString() => $"#{Id} {LocalEndPoint} <-> {RemoteEndPoint}{(IsTls ? " (TLS)" : "")}";

    private static TimeSpan ValidateTimeout(TimeSpan value)
    {
        if (!TimeoutRule.IsValid(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, TimeoutRule.Description + ".");
        }

        return value;
    }

    private static int ToSocketTimeout(TimeSpan value) => value == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Ceiling(value.TotalMilliseconds);

    private void Touch() => Volatile.Write(ref _lastActivity, Environment.TickCount64);
}
