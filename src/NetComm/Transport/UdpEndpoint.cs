using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetComm.Transport;

/// <summary>
/// A UDP endpoint over a <see cref="Socket"/>. Receives use the allocation-free
/// <see cref="SocketAddress"/> overloads (about three times faster than the <see cref="EndPoint"/> ones)
/// and report truncated datagrams instead of silently cutting them.
/// </summary>
public sealed class UdpEndpoint : IUdpEndpoint
{
    /// <summary>The largest payload a UDP datagram can carry over IPv4.</summary>
    public const int MaxDatagramSize = 65_507;

    private readonly Socket _socket;
    private readonly UdpEndpointOptions _options;
    private TimeSpan _receiveTimeout;
    private Receiver? _idleReceiver;
    private int _disposed;

    /// <summary>Creates the socket and binds it (and connects it, when <see cref="UdpEndpointOptions.RemoteEndPoint"/> is set).</summary>
    public UdpEndpoint(UdpEndpointOptions? options = null)
    {
        _options = options ?? new UdpEndpointOptions();
        var local = _options.LocalEndPoint;
        _socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (local.AddressFamily == AddressFamily.InterNetworkV6)
            {
                _socket.DualMode = _options.DualMode;
            }

            _socket.EnableBroadcast = _options.EnableBroadcast;
            if (_options.ReceiveBufferSize is { } receive)
            {
                _socket.ReceiveBufferSize = receive;
            }

            if (_options.SendBufferSize is { } send)
            {
                _socket.SendBufferSize = send;
            }

            _socket.Bind(local);
            if (_options.RemoteEndPoint is { } remote)
            {
                _socket.Connect(remote);
                RemoteEndPoint = remote;
            }
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            var why = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "the address is already in use" : e.Message;
            throw new TransportException($"Cannot bind UDP endpoint {local}: {why}.", e);
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        ReceiveTimeout = _options.ReceiveTimeout;
    }

    /// <inheritdoc />
    public IPEndPoint LocalEndPoint { get; }

    /// <inheritdoc />
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>The underlying socket, for options this class does not surface.</summary>
    public Socket Socket => _socket;

    /// <inheritdoc />
    public TimeSpan ReceiveTimeout
    {
        get => _receiveTimeout;
        set
        {
            if (value != Timeout.InfiniteTimeSpan && value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A timeout must be positive or Timeout.InfiniteTimeSpan.");
            }

            _receiveTimeout = value;
            _socket.ReceiveTimeout = value == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Ceiling(value.TotalMilliseconds);
        }
    }

    /// <inheritdoc />
    public void SendTo(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw Fail(e, $"Sending a datagram to {remote}");
        }
    }

    /// <inheritdoc />
    public async ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        try
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw Fail(e, $"Sending a datagram to {remote}");
        }
    }

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> datagram)
    {
        RequireConnected();
        try
        {
            _socket.Send(datagram, SocketFlags.None);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw Fail(e, $"Sending a datagram to {RemoteEndPoint}");
        }
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        RequireConnected();
        try
        {
            await _socket.SendAsync(datagram, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw Fail(e, $"Sending a datagram to {RemoteEndPoint}");
        }
    }

    /// <inheritdoc />
    public UdpReceiveResult Receive(Span<byte> buffer)
    {
        var receiver = RentReceiver();
        try
        {
            return receiver.Receive(buffer);
        }
        finally
        {
            _idleReceiver = receiver;
        }
    }

    /// <inheritdoc />
    public async ValueTask<UdpReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var receiver = RentReceiver();
        try
        {
            return await receiver.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _idleReceiver = receiver;
        }
    }

    /// <summary>
    /// One receiver (and its SocketAddress and cached sender) serves every receive in turn, so a steady
    /// exchange allocates nothing; a concurrent receive gets a fresh one rather than sharing its state.
    /// </summary>
    private Receiver RentReceiver() => Interlocked.Exchange(ref _idleReceiver, null) ?? new Receiver(this);

    /// <inheritdoc />
    public UdpReceiveLoop StartReceiveLoop(UdpDatagramHandler handler, int bufferSize = MaxDatagramSize)
        => new(this, handler, bufferSize, _options.Logger);

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal Exception Fail(Exception error, string operation)
    {
        if (error is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
        {
            return new TimeoutException($"{operation} on {LocalEndPoint} timed out after {_receiveTimeout.TotalSeconds:0.###} s.", error);
        }

        return error is ObjectDisposedException
            ? new TransportException($"{operation} failed: UDP endpoint {LocalEndPoint} is closed.", error)
            : new TransportException($"{operation} on {LocalEndPoint} failed: {error.Message}", error);
    }

    private void RequireConnected()
    {
        if (RemoteEndPoint is null)
        {
            throw new InvalidOperationException("Send needs a connected endpoint (set UdpEndpointOptions.RemoteEndPoint); use SendTo otherwise.");
        }
    }

    /// <summary>
    /// Receives with a reusable <see cref="SocketAddress"/> and converts it to an <see cref="IPEndPoint"/>
    /// only when the sender changes, so a steady exchange with one peer allocates nothing.
    /// </summary>
    internal sealed class Receiver
    {
        private readonly UdpEndpoint _owner;
        private readonly SocketAddress _address;
        private SocketAddress? _lastAddress;
        private IPEndPoint? _lastEndPoint;

        public Receiver(UdpEndpoint owner)
        {
            _owner = owner;
            _address = new SocketAddress(owner._socket.AddressFamily);
        }

        public UdpReceiveResult Receive(Span<byte> buffer)
        {
            try
            {
                var n = _owner._socket.ReceiveFrom(buffer, s_receiveFlags, _address);
                return Result(n, buffer.Length);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
            {
                return new UdpReceiveResult(buffer.Length, Sender(), true);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                throw _owner.Fail(e, "Receiving a datagram");
            }
        }

        public async ValueTask<UdpReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var timeout = _owner._receiveTimeout;
            using var deadline = timeout == Timeout.InfiniteTimeSpan ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline?.CancelAfter(timeout);
            try
            {
                var n = await _owner._socket.ReceiveFromAsync(buffer, s_receiveFlags, _address, deadline?.Token ?? cancellationToken).ConfigureAwait(false);
                return Result(n, buffer.Length);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
            {
                return new UdpReceiveResult(buffer.Length, Sender(), true);
            }
            catch (OperationCanceledException e) when (deadline is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Receiving a datagram on {_owner.LocalEndPoint} timed out after {timeout.TotalSeconds:0.###} s.", e);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                throw _owner.Fail(e, "Receiving a datagram");
            }
        }

        /// <summary>
        /// Linux truncates silently; with MSG_TRUNC it returns the datagram's real length, which tells us.
        /// Windows reports the same case as <see cref="SocketError.MessageSize"/>, caught above.
        /// </summary>
        private static readonly SocketFlags s_receiveFlags = OperatingSystem.IsLinux() ? SocketFlags.Truncated : SocketFlags.None;

        private UdpReceiveResult Result(int received, int capacity)
            => received > capacity
                ? new UdpReceiveResult(capacity, Sender(), true)
                : new UdpReceiveResult(received, Sender(), false);

        private IPEndPoint Sender()
        {
            if (_lastEndPoint is null || !_address.Equals(_lastAddress))
            {
                _lastEndPoint = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(_address);
                _lastAddress = new SocketAddress(_address.Family, _address.Size);
                _address.Buffer.CopyTo(_lastAddress.Buffer);
            }

            return _lastEndPoint;
        }
    }
}
