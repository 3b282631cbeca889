using System;
using System.Threading.Tasks;

namespace NetComm.Internal;

/// <summary>
/// For a layer written once over <see cref="IIo"/> on top of a public client (the POP3 mailbox sync): calls the
/// client's blocking form with <see cref="SyncIo"/>, so the sync path never blocks on a task, and its
/// <c>…Async</c> form with <see cref="AsyncIo"/>.
/// </summary>
internal static class IoDispatch
{
    public static async ValueTask CallAsync<TIo>(Action blocking, Func<Task> asynchronous)
        where TIo : IIo
    {
        if (TIo.IsAsync)
        {
            await asynchronous().ConfigureAwait(false);
        }
        else
        {
            blocking();
        }
    }

    public static async ValueTask<T> CallAsync<TIo, T>(Func<T> blocking, Func<Task<T>> asynchronous)
        where TIo : IIo
        => TIo.IsAsync ? await asynchronous().ConfigureAwait(false) : blocking();
}
