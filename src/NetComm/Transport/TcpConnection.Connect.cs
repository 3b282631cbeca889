using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;

namespace NetComm.Transport;

public sealed partial class TcpConnection
{
    /// <summary>
    /// Resolves <paramref name="host"/>, tries each address (IPv6 and IPv4) in turn within
    /// <see cref="TcpClientOptions.ConnectTimeout"/>, and negotiates implicit TLS if asked.
    /// </summary>
    /// <exception cref="TransportException">No address could be connected to (refused, unreachable, or reset at once by the server).</exception>
    /// <exception cref="TimeoutException">Every attempt timed out.</exception>
    /// <exception cref="TlsUpgradeException">The implicit TLS handshake failed.</exception>
    public static TcpConnection Connect(string host, int port, TcpClientOptions? options = null)
        => ConnectAsync<SyncIo>(host, port, options ?? new TcpClientOptions(), default).Complete();

    /// <summary>Asynchronous <see cref="Connect"/>.</summary>
    /// <exception cref="TransportException">No address could be connected to (refused, unreachable, or reset at once by the server).</exception>
    /// <exception cref="TimeoutException">Every attempt timed out.</exception>
    /// <exception cref="TlsUpgradeException">The implicit TLS handshake failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static ValueTask<TcpConnection> ConnectAsync(string host, int port, TcpClientOptions? options = null, CancellationToken cancellationToken = default)
        => ConnectAsync<AsyncIo>(host, port, options ?? new TcpClientOptions(), cancellationToken);

    internal static async ValueTask<TcpConnection> ConnectAsync<TIo>(string host, int port, TcpClientOptions options, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        cancellationToken.ThrowIfCancellationRequested();

        var started = Environment.TickCount64;
        var addresses = await ResolveAsync<TIo>(host, cancellationToken).ConfigureAwait(false);
        var errors = new List<Exception>();
        foreach (var address in addresses)
        {
            var remaining = Remaining(options.ConnectTimeout, started);
            if (remaining != Timeout.InfiniteTimeSpan && remaining <= TimeSpan.Zero)
            {
                break;
            }

            Socket socket;
            try
            {
                socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            }
            catch (SocketException e)
            {
                // Typically out of file descriptors.
                throw new TransportException($"Could not create a socket to connect to {host}:{port}: {e.Message}", e);
            }

            try
            {
                socket.NoDelay = options.NoDelay;
                if (options.KeepAlive)
                {
                    socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                }

                await ConnectSocketAsync<TIo>(socket, new IPEndPoint(address, port), remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                socket.Dispose();
                errors.Add(e);
                continue;
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            TcpConnection connection;
            try
            {
                connection = new TcpConnection(socket, options.BufferSize)
                {
                    ReadTimeout = options.ReadTimeout,
                    WriteTimeout = options.WriteTimeout,
                };
            }
            catch (Exception e) when (e is TransportException or SocketException or ArgumentException or ObjectDisposedException)
            {
                // Connected, then reset before we could look at it (a full server does this): a failure of
                // this address like any other, never a raw runtime exception.
                socket.Dispose();
                errors.Add(e as TransportException ?? new TransportException($"The connection to {address}:{port} was reset at once: {e.Message}", new SocketException((int)SocketError.ConnectionReset)));
                continue;
            }

            try
            {
                if (options.ImplicitTls is { } tls)
                {
                    await connection.UpgradeToTlsAsync<TIo>(tls, host, cancellationToken).ConfigureAwait(false);
                }

                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        var reason = errors.Count == 0
            ? $"the timeout of {options.ConnectTimeout.TotalSeconds:0.###} s ran out"
            : string.Join("; ", errors.Select(e => e.Message));
        var message = $"Could not connect to {host}:{port} ({addresses.Length} address(es) tried): {reason}";
        if (errors.Count > 0 && errors.TrueForAll(e => e is TimeoutException))
        {
            throw new TimeoutException(message, errors[0]);
        }

        // One failure keeps its own cause, so TransportException.SocketError says what happened.
        throw new TransportException(message, errors.Count switch { 0 => null, 1 => errors[0], _ => new AggregateException(errors) });
    }

    private static async ValueTask<IPAddress[]> ResolveAsync<TIo>(string host, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        try
        {
            var addresses = TIo.IsAsync
                ? await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false)
                : Dns.GetHostAddresses(host);
            if (addresses.Length == 0)
            {
                throw new TransportException($"The host name '{host}' resolved to no address.");
            }

            return addresses;
        }
        catch (SocketException e)
        {
            throw new TransportException($"The host name '{host}' could not be resolved: {e.Message}", e);
        }
    }

    private static async ValueTask ConnectSocketAsync<TIo>(Socket socket, IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (TIo.IsAsync)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(endPoint, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Connecting to {endPoint} timed out after {timeout.TotalSeconds:0.###} s.");
            }

            return;
        }

        // A blocking connect, cut short by closing the socket at the deadline (which makes the runtime abort the
        // pending connect). Not a non-blocking connect and Poll: on Unix, once a socket has been switched to
        // non-blocking, the runtime keeps its descriptor non-blocking for good and emulates every later blocking
        // read through its epoll thread and the thread pool, which costs a sync client half its throughput.
        const int connecting = 0, connected = 1, timedOut = 2;
        var state = connecting;
        using var timer = timeout == Timeout.InfiniteTimeSpan
            ? null
            : new Timer(
                _ =>
                {
                    if (Interlocked.CompareExchange(ref state, timedOut, connecting) == connecting)
                    {
                        socket.Dispose();
                    }
                },
                null,
                timeout,
                Timeout.InfiniteTimeSpan);
        try
        {
            socket.Connect(endPoint);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException && Volatile.Read(ref state) == timedOut)
        {
            throw new TimeoutException($"Connecting to {endPoint} timed out after {timeout.TotalSeconds:0.###} s.", e);
        }

        if (Interlocked.CompareExchange(ref state, connected, connecting) == timedOut)
        {
            throw new TimeoutException($"Connecting to {endPoint} timed out after {timeout.TotalSeconds:0.###} s.");
        }
    }

    private static TimeSpan Remaining(TimeSpan total, long startedTicks)
        => total == Timeout.InfiniteTimeSpan
            ? Timeout.InfiniteTimeSpan
            : total - TimeSpan.FromMilliseconds(Environment.TickCount64 - startedTicks);
}
