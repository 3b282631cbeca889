using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mime;

namespace NetComm.Pop3;

// Overloads on one name with an optional token, as the BCL does; nothing has shipped, so RS0026's
// binary-compatibility concern does not apply.
#pragma warning disable RS0026
public sealed partial class Pop3Client
{
    private readonly IncomingMessageReader _messageReader = new();

    /// <inheritdoc />
    public Pop3Stat Stat(CancellationToken cancellationToken = default) => Run((s, t) => s.StatAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task<Pop3Stat> StatAsync(CancellationToken cancellationToken = default)
        => RunAsync((s, t) => s.StatAsync<AsyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<Pop3ListEntry> List(CancellationToken cancellationToken = default) => Run((s, t) => s.ListAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Pop3ListEntry>> ListAsync(CancellationToken cancellationToken = default)
        => RunAsync((s, t) => s.ListAsync<AsyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public long GetSize(int number, CancellationToken cancellationToken = default) => Run((s, t) => s.GetSizeAsync<SyncIo>(number, t), cancellationToken);

    /// <inheritdoc />
    public Task<long> GetSizeAsync(int number, CancellationToken cancellationToken = default)
        => RunAsync((s, t) => s.GetSizeAsync<AsyncIo>(number, t), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<Pop3UidEntry> Uidl(CancellationToken cancellationToken = default) => Run((s, t) => s.UidlAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Pop3UidEntry>> UidlAsync(CancellationToken cancellationToken = default)
        => RunAsync((s, t) => s.UidlAsync<AsyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public string GetUid(int number, CancellationToken cancellationToken = default) => Run((s, t) => s.GetUidAsync<SyncIo>(number, t), cancellationToken);

    /// <inheritdoc />
    public Task<string> GetUidAsync(int number, CancellationToken cancellationToken = default)
        => RunAsync((s, t) => s.GetUidAsync<AsyncIo>(number, t), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<Pop3MessageInfo> ListMessages(CancellationToken cancellationToken = default) => Run((s, t) => s.ListMessagesAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Pop3MessageInfo>> ListMessagesAsync(CancellationToken cancellationToken = default)
        => RunAsync((s, t) => s.ListMessagesAsync<AsyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public MimeMessage Top(int number, int bodyLines, CancellationToken cancellationToken = default)
        => Run(async (s, t) => Single(await s.TopAsync<SyncIo, MimeMessage>(number, bodyLines, _messageReader.ReadAsync<SyncIo>, t).ConfigureAwait(false)), cancellationToken);

    /// <inheritdoc />
    public Task<MimeMessage> TopAsync(int number, int bodyLines, CancellationToken cancellationToken = default)
        => RunAsync(async (s, t) => Single(await s.TopAsync<AsyncIo, MimeMessage>(number, bodyLines, _messageReader.ReadAsync<AsyncIo>, t).ConfigureAwait(false)), cancellationToken);

    /// <inheritdoc />
    public MimeMessage Retrieve(int number, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
        => Run(async (s, t) => Single(await s.RetrieveAsync<SyncIo, MimeMessage>([number], progress, _messageReader.ReadAsync<SyncIo>, t).ConfigureAwait(false)), cancellationToken);

    /// <inheritdoc />
    public Task<MimeMessage> RetrieveAsync(int number, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
        => RunAsync(async (s, t) => Single(await s.RetrieveAsync<AsyncIo, MimeMessage>([number], progress, _messageReader.ReadAsync<AsyncIo>, t).ConfigureAwait(false)), cancellationToken);

    /// <inheritdoc />
    public Pop3BatchResult<MimeMessage> Retrieve(IEnumerable<int> numbers, CancellationToken cancellationToken = default)
    {
        var list = Numbers(numbers);
        return Run((s, t) => s.RetrieveAsync<SyncIo, MimeMessage>(list, null, _messageReader.ReadAsync<SyncIo>, t), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Pop3BatchResult<MimeMessage>> RetrieveAsync(IEnumerable<int> numbers, CancellationToken cancellationToken = default)
    {
        var list = Numbers(numbers);
        return RunAsync((s, t) => s.RetrieveAsync<AsyncIo, MimeMessage>(list, null, _messageReader.ReadAsync<AsyncIo>, t), cancellationToken);
    }

    /// <inheritdoc />
    public Pop3BatchResult<MimeMessage> GetMessages(CancellationToken cancellationToken = default)
        => Run(async (s, t) =>
        {
            var listing = await s.ListAsync<SyncIo>(t).ConfigureAwait(false);
            return await s.RetrieveAsync<SyncIo, MimeMessage>(listing.Select(e => e.Number).ToArray(), null, _messageReader.ReadAsync<SyncIo>, t).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Pop3BatchResult<MimeMessage>> GetMessagesAsync(CancellationToken cancellationToken = default)
        => RunAsync(async (s, t) =>
        {
            var listing = await s.ListAsync<AsyncIo>(t).ConfigureAwait(false);
            return await s.RetrieveAsync<AsyncIo, MimeMessage>(listing.Select(e => e.Number).ToArray(), null, _messageReader.ReadAsync<AsyncIo>, t).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public long CopyMessageTo(int number, Stream destination, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
        => Run(async (s, t) => Single(await s.CopyMessageToAsync<SyncIo>(number, destination, progress, t).ConfigureAwait(false)), cancellationToken);

    /// <inheritdoc />
    public Task<long> CopyMessageToAsync(int number, Stream destination, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
        => RunAsync(async (s, t) => Single(await s.CopyMessageToAsync<AsyncIo>(number, destination, progress, t).ConfigureAwait(false)), cancellationToken);

    /// <inheritdoc />
    public Pop3BatchResult<long> RetrieveEach(IEnumerable<int> numbers, Action<int, Stream> onMessage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        var list = Numbers(numbers);
        return Run((s, t) => s.RetrieveEachAsync<SyncIo>(
            list,
            (n, stream, _) =>
            {
                onMessage(n, stream);
                return default;
            },
            t), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Pop3BatchResult<long>> RetrieveEachAsync(IEnumerable<int> numbers, Func<int, Stream, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        var list = Numbers(numbers);
        return RunAsync((s, t) => s.RetrieveEachAsync<AsyncIo>(list, onMessage, t), cancellationToken);
    }

    /// <inheritdoc />
    public void Delete(int number, CancellationToken cancellationToken = default)
        => Run(async (s, t) => Single(await s.DeleteAsync<SyncIo>([number], t).ConfigureAwait(false)), cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(int number, CancellationToken cancellationToken = default)
        => RunAsync(async (s, t) => Single(await s.DeleteAsync<AsyncIo>([number], t).ConfigureAwait(false)), cancellationToken);

    /// <inheritdoc />
    public Pop3BatchResult<int> Delete(IEnumerable<int> numbers, CancellationToken cancellationToken = default)
    {
        var list = Numbers(numbers);
        return Run((s, t) => s.DeleteAsync<SyncIo>(list, t), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Pop3BatchResult<int>> DeleteAsync(IEnumerable<int> numbers, CancellationToken cancellationToken = default)
    {
        var list = Numbers(numbers);
        return RunAsync((s, t) => s.DeleteAsync<AsyncIo>(list, t), cancellationToken);
    }

    /// <inheritdoc />
    public void Reset(CancellationToken cancellationToken = default) => Run((s, t) => s.ResetAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task ResetAsync(CancellationToken cancellationToken = default) => RunAsync((s, t) => s.ResetAsync<AsyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public void Noop(CancellationToken cancellationToken = default) => Run((s, t) => s.NoopAsync<SyncIo>(t), cancellationToken);

    /// <inheritdoc />
    public Task NoopAsync(CancellationToken cancellationToken = default) => RunAsync((s, t) => s.NoopAsync<AsyncIo>(t), cancellationToken);

    /// <summary>A single command's outcome: its value, or its refusal thrown as itself.</summary>
    private static T Single<T>(Pop3BatchResult<T> result)
        => result.Items[0] is { Error: { } refusal } ? throw refusal : result.Items[0].Value!;

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
