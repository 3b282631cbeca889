using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using NetComm.Internal;
using NetComm.Mail;

namespace NetComm.Pop3;

// Overloads on one name with an optional token, as the BCL does; nothing has shipped, so RS0026's
// binary-compatibility concern does not apply.
#pragma warning disable RS0026
public sealed partial class Pop3Client
{
    /// <inheritdoc />
    public Pop3Stat Stat() => RunAsync(s => s.StatAsync<SyncIo>(default)).Complete();

    /// <inheritdoc />
    public Task<Pop3Stat> StatAsync(CancellationToken cancellationToken = default)
        => RunAsync(s => s.StatAsync<AsyncIo>(cancellationToken)).AsTask();

    /// <inheritdoc />
    public IReadOnlyList<Pop3ListEntry> List() => RunAsync(s => s.ListAsync<SyncIo>(default)).Complete();

    /// <inheritdoc />
    public Task<IReadOnlyList<Pop3ListEntry>> ListAsync(CancellationToken cancellationToken = default)
        => RunAsync(s => s.ListAsync<AsyncIo>(cancellationToken)).AsTask();

    /// <inheritdoc />
    public long GetSize(int number) => RunAsync(s => s.GetSizeAsync<SyncIo>(number, default)).Complete();

    /// <inheritdoc />
    public Task<long> GetSizeAsync(int number, CancellationToken cancellationToken = default)
        => RunAsync(s => s.GetSizeAsync<AsyncIo>(number, cancellationToken)).AsTask();

    /// <inheritdoc />
    public IReadOnlyList<Pop3UidEntry> Uidl() => RunAsync(s => s.UidlAsync<SyncIo>(default)).Complete();

    /// <inheritdoc />
    public Task<IReadOnlyList<Pop3UidEntry>> UidlAsync(CancellationToken cancellationToken = default)
        => RunAsync(s => s.UidlAsync<AsyncIo>(cancellationToken)).AsTask();

    /// <inheritdoc />
    public string GetUid(int number) => RunAsync(s => s.GetUidAsync<SyncIo>(number, default)).Complete();

    /// <inheritdoc />
    public Task<string> GetUidAsync(int number, CancellationToken cancellationToken = default)
        => RunAsync(s => s.GetUidAsync<AsyncIo>(number, cancellationToken)).AsTask();

    /// <inheritdoc />
    public IReadOnlyList<Pop3MessageInfo> ListMessages() => RunAsync(s => s.ListMessagesAsync<SyncIo>(default)).Complete();

    /// <inheritdoc />
    public Task<IReadOnlyList<Pop3MessageInfo>> ListMessagesAsync(CancellationToken cancellationToken = default)
        => RunAsync(s => s.ListMessagesAsync<AsyncIo>(cancellationToken)).AsTask();

    /// <inheritdoc />
    public MimeMessage Top(int number, int bodyLines) => RunAsync(s => s.TopAsync<SyncIo>(number, bodyLines, default)).Complete();

    /// <inheritdoc />
    public Task<MimeMessage> TopAsync(int number, int bodyLines, CancellationToken cancellationToken = default)
        => RunAsync(s => s.TopAsync<AsyncIo>(number, bodyLines, cancellationToken)).AsTask();

    /// <inheritdoc />
    public MimeMessage Retrieve(int number, IProgress<TransferProgress>? progress = null)
        => RunAsync(async s => (await s.RetrieveAsync<SyncIo>([number], asBatch: false, progress, default).ConfigureAwait(false))[0]).Complete();

    /// <inheritdoc />
    public Task<MimeMessage> RetrieveAsync(int number, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
        => RunAsync(async s => (await s.RetrieveAsync<AsyncIo>([number], asBatch: false, progress, cancellationToken).ConfigureAwait(false))[0]).AsTask();

    /// <inheritdoc />
    public IReadOnlyList<MimeMessage> Retrieve(IEnumerable<int> numbers)
    {
        var list = Numbers(numbers);
        return RunAsync(s => s.RetrieveAsync<SyncIo>(list, asBatch: true, null, default)).Complete();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MimeMessage>> RetrieveAsync(IEnumerable<int> numbers, CancellationToken cancellationToken = default)
    {
        var list = Numbers(numbers);
        return RunAsync(s => s.RetrieveAsync<AsyncIo>(list, asBatch: true, null, cancellationToken)).AsTask();
    }

    /// <inheritdoc />
    public IReadOnlyList<MimeMessage> GetMessages()
        => RunAsync(async s =>
        {
            var listing = await s.ListAsync<SyncIo>(default).ConfigureAwait(false);
            return await s.RetrieveAsync<SyncIo>(listing.Select(e => e.Number).ToArray(), asBatch: true, null, default).ConfigureAwait(false);
        }).Complete();

    /// <inheritdoc />
    public Task<IReadOnlyList<MimeMessage>> GetMessagesAsync(CancellationToken cancellationToken = default)
        => RunAsync(async s =>
        {
            var listing = await s.ListAsync<AsyncIo>(cancellationToken).ConfigureAwait(false);
            return await s.RetrieveAsync<AsyncIo>(listing.Select(e => e.Number).ToArray(), asBatch: true, null, cancellationToken).ConfigureAwait(false);
        }).AsTask();

    /// <inheritdoc />
    public long CopyMessageTo(int number, Stream destination, IProgress<TransferProgress>? progress = null)
        => RunAsync(s => s.CopyMessageToAsync<SyncIo>(number, destination, progress, default)).Complete();

    /// <inheritdoc />
    public Task<long> CopyMessageToAsync(int number, Stream destination, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
        => RunAsync(s => s.CopyMessageToAsync<AsyncIo>(number, destination, progress, cancellationToken)).AsTask();

    /// <inheritdoc />
    public void RetrieveEach(IEnumerable<int> numbers, Action<int, Stream> onMessage)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        var list = Numbers(numbers);
        RunAsync(s => s.RetrieveEachAsync<SyncIo>(
            list,
            (n, stream, _) =>
            {
                onMessage(n, stream);
                return default;
            },
            default)).Complete();
    }

    /// <inheritdoc />
    public Task RetrieveEachAsync(IEnumerable<int> numbers, Func<int, Stream, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        var list = Numbers(numbers);
        return RunAsync(s => s.RetrieveEachAsync<AsyncIo>(list, onMessage, cancellationToken)).AsTask();
    }

    /// <inheritdoc />
    public void Delete(int number) => RunAsync(s => s.DeleteAsync<SyncIo>([number], asBatch: false, default)).Complete();

    /// <inheritdoc />
    public Task DeleteAsync(int number, CancellationToken cancellationToken = default)
        => RunAsync(s => s.DeleteAsync<AsyncIo>([number], asBatch: false, cancellationToken)).AsTask();

    /// <inheritdoc />
    public void Delete(IEnumerable<int> numbers)
    {
        var list = Numbers(numbers);
        RunAsync(s => s.DeleteAsync<SyncIo>(list, asBatch: true, default)).Complete();
    }

    /// <inheritdoc />
    public Task DeleteAsync(IEnumerable<int> numbers, CancellationToken cancellationToken = default)
    {
        var list = Numbers(numbers);
        return RunAsync(s => s.DeleteAsync<AsyncIo>(list, asBatch: true, cancellationToken)).AsTask();
    }

    /// <inheritdoc />
    public void Reset() => RunAsync(s => s.ResetAsync<SyncIo>(default)).Complete();

    /// <inheritdoc />
    public Task ResetAsync(CancellationToken cancellationToken = default) => RunAsync(s => s.ResetAsync<AsyncIo>(cancellationToken)).AsTask();

    /// <inheritdoc />
    public void NoOp() => RunAsync(s => s.NoOpAsync<SyncIo>(default)).Complete();

    /// <inheritdoc />
    public Task NoOpAsync(CancellationToken cancellationToken = default) => RunAsync(s => s.NoOpAsync<AsyncIo>(cancellationToken)).AsTask();

    private static int[] Numbers(IEnumerable<int> numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var list = numbers.ToArray();
        foreach (var number in list)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(number, 1, nameof(numbers));
        }

        return list;
    }
}
#pragma warning restore RS0026
