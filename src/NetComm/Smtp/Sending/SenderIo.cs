using System;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Mail;

namespace NetComm.Smtp.Sending;

/// <summary>
/// The waits and client calls of the sender, written once for both APIs: with <see cref="SyncIo"/> each blocks the
/// calling thread and completes synchronously, with <see cref="AsyncIo"/> it awaits.
/// </summary>
internal static class SenderIo
{
    public static ValueTask WaitAsync<TIo>(SemaphoreSlim semaphore, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (TIo.IsAsync)
        {
            return new ValueTask(semaphore.WaitAsync(cancellationToken));
        }

        semaphore.Wait(cancellationToken);
        return default;
    }

    public static ValueTask DelayAsync<TIo>(TimeSpan delay, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (TIo.IsAsync)
        {
            return new ValueTask(Task.Delay(delay, cancellationToken));
        }

        cancellationToken.WaitHandle.WaitOne(delay);
        cancellationToken.ThrowIfCancellationRequested();
        return default;
    }

    /// <summary>Waits for <paramref name="task"/> at most <paramref name="timeout"/>; true when it completed.</summary>
    public static async ValueTask<bool> WaitForAsync<TIo>(Task task, TimeSpan timeout)
        where TIo : IIo
    {
        if (!TIo.IsAsync)
        {
            return task.Wait(timeout);
        }

        return await Task.WhenAny(task, Task.Delay(timeout)).ConfigureAwait(false) == task;
    }

    public static async ValueTask OpenAsync<TIo>(ISmtpClient client, MailCredentials? credentials, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (TIo.IsAsync)
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            client.Connect(cancellationToken);
        }

        if (credentials is null)
        {
            return;
        }

        if (TIo.IsAsync)
        {
            await client.AuthenticateAsync(credentials, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            client.Authenticate(credentials, cancellationToken);
        }
    }

    public static ValueTask QuitAsync<TIo>(ISmtpClient client, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (TIo.IsAsync)
        {
            return new ValueTask(client.DisconnectAsync(cancellationToken));
        }

        client.Disconnect(cancellationToken);
        return default;
    }
}
