using System;
using System.Net.Security;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Transport.Internal;

namespace NetComm.Transport;

public sealed partial class TcpConnection
{
    /// <inheritdoc />
    public void UpgradeToTls(TlsClientOptions options, string targetHost)
        => UpgradeToTlsAsync<SyncIo>(options, targetHost, default).Complete();

    /// <inheritdoc />
    public ValueTask UpgradeToTlsAsync(TlsClientOptions options, string targetHost, CancellationToken cancellationToken = default)
        => UpgradeToTlsAsync<AsyncIo>(options, targetHost, cancellationToken);

    /// <inheritdoc />
    public void UpgradeToTlsAsServer(TlsServerOptions options)
        => UpgradeToTlsAsync<SyncIo>(options, default).Complete();

    /// <inheritdoc />
    public ValueTask UpgradeToTlsAsServerAsync(TlsServerOptions options, CancellationToken cancellationToken = default)
        => UpgradeToTlsAsync<AsyncIo>(options, cancellationToken);

    internal ValueTask UpgradeToTlsAsync<TIo>(TlsClientOptions options, string targetHost, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(targetHost);
        var host = options.TargetHost ?? targetHost;
        var validator = new CertificateValidator(options, host);
        var sslOptions = options.ToSslOptions(host, validator);
        return HandshakeAsync<TIo>(
            $"TLS handshake with {host}",
            options.HandshakeTimeout,
            (ssl, token) => ssl.AuthenticateAsClientAsync(sslOptions, token),
            ssl => ssl.AuthenticateAsClient(sslOptions),
            cancellationToken,
            validator);
    }

    internal ValueTask UpgradeToTlsAsync<TIo>(TlsServerOptions options, CancellationToken cancellationToken)
        where TIo : IIo
    {
        ArgumentNullException.ThrowIfNull(options);
        var sslOptions = options.ToSslOptions();
        return HandshakeAsync<TIo>(
            $"TLS handshake with client {RemoteEndPoint}",
            options.HandshakeTimeout,
            (ssl, token) => ssl.AuthenticateAsServerAsync(sslOptions, token),
            ssl => ssl.AuthenticateAsServer(sslOptions),
            cancellationToken);
    }

    private async ValueTask HandshakeAsync<TIo>(
        string operation,
        TimeSpan timeout,
        Func<SslStream, CancellationToken, Task> authenticateAsync,
        Action<SslStream> authenticate,
        CancellationToken cancellationToken,
        CertificateValidator? validator = null)
        where TIo : IIo
    {
        if (_sslStream is not null)
        {
            throw new InvalidOperationException($"Connection #{Id} already uses TLS.");
        }

        // Bytes that arrived before the handshake were sent in plaintext, so anyone on the path could
        // have injected them; reading them later as if TLS protected them is the STARTTLS injection bug.
        if (BufferedCount > 0)
        {
            throw new TlsUpgradeException(
                $"{operation} refused: {BufferedCount} unread bytes arrived in plaintext before the handshake (possible command injection).")
            {
                PendingBytes = BufferedCount,
            };
        }

        // The whole handshake has one deadline, not each read: a ClientHello fed a byte at a time must not
        // outlive it. Async calls get it from a cancellation timer; blocking calls from the socket timeout,
        // shortened before every read to what is left.
        var handshakeDeadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var sniffer = new HandshakeSniffer(_transport, TIo.IsAsync ? null : () => BeforeHandshakeRead(handshakeDeadline, timeout));
        var ssl = new SslStream(sniffer, leaveInnerStreamOpen: true);
        var callerToken = cancellationToken;
        var deadline = StartDeadline<TIo>(timeout, ref cancellationToken);
        try
        {
            if (TIo.IsAsync)
            {
                await authenticateAsync(ssl, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                authenticate(ssl);
            }
        }
        catch (AuthenticationException e) when (validator?.Rejection is { } rejection)
        {
            ssl.Dispose();
            throw new TlsUpgradeException($"{operation} failed: {rejection}", e) { CertificateRejection = rejection };
        }
        catch (AuthenticationException e)
        {
            ssl.Dispose();
            throw HandshakeFailed(operation, sniffer, e);
        }
        catch (Exception e) when (IsIoFailure(e) || e is TimeoutException)
        {
            ssl.Dispose();
            if (e is TimeoutException)
            {
                throw new TimeoutException($"{operation} on connection #{Id} timed out after {timeout.TotalSeconds:0.###} s.", e);
            }

            if (sniffer.PlaintextSeen is not null && e is not OperationCanceledException)
            {
                throw HandshakeFailed(operation, sniffer, e);
            }

            throw Translate(e, operation, timeout, deadline, callerToken);
        }
        finally
        {
            deadline?.Dispose();
            if (!TIo.IsAsync)
            {
                ApplySocketReceiveTimeout(_readTimeout);
            }
        }

        sniffer.StopRecording();
        _sslStream = ssl;
        _stream = ssl;
    }

    /// <summary>Before each blocking handshake read: fail once the deadline has passed, else wait no longer than what is left.</summary>
    private void BeforeHandshakeRead(long deadline, TimeSpan timeout)
    {
        if (deadline == long.MaxValue)
        {
            ApplySocketReceiveTimeout(_readTimeout);
            return;
        }

        var left = deadline - Environment.TickCount64;
        if (left <= 0)
        {
            throw new TimeoutException($"The TLS handshake on connection #{Id} ran past its {timeout.TotalSeconds:0.###} s deadline.");
        }

        ApplySocketReceiveTimeout(TimeSpan.FromMilliseconds(left));
    }

    private static TlsUpgradeException HandshakeFailed(string operation, HandshakeSniffer sniffer, Exception error)
        => sniffer.PlaintextSeen is { } text
            ? new TlsUpgradeException($"{operation} failed: the peer answered in plaintext (\"{text}\"), not TLS.", error) { PeerPlaintext = text }
            : new TlsUpgradeException($"{operation} failed: {error.Message}", error);
}
