using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace NetComm.Internal;

/// <summary>
/// The I/O adapter that lets one protocol engine serve both the synchronous and the asynchronous
/// public API (the approach of SslStream in dotnet/runtime). Engines are written once as
/// <c>async ValueTask</c> methods generic over a <c>TIo</c> type parameter; with <see cref="SyncIo"/>
/// every await completes synchronously, so the sync path never blocks on a task.
/// </summary>
internal interface IIo
{
    static abstract bool IsAsync { get; }

    static abstract ValueTask<int> ReadAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken);

    static abstract ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    static abstract ValueTask FlushAsync(Stream stream, CancellationToken cancellationToken);
}

/// <summary>Blocking I/O: completes synchronously, so the engine's awaits never yield.</summary>
internal readonly struct SyncIo : IIo
{
    public static bool IsAsync => false;

    public static ValueTask<int> ReadAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
        => new(stream.Read(buffer.Span));

    public static ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        stream.Write(buffer.Span);
        return default;
    }

    public static ValueTask FlushAsync(Stream stream, CancellationToken cancellationToken)
    {
        stream.Flush();
        return default;
    }
}

/// <summary>Asynchronous I/O.</summary>
internal readonly struct AsyncIo : IIo
{
    public static bool IsAsync => true;

    public static ValueTask<int> ReadAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
        => stream.ReadAsync(buffer, cancellationToken);

    public static ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
        => stream.WriteAsync(buffer, cancellationToken);

    public static ValueTask FlushAsync(Stream stream, CancellationToken cancellationToken)
        => new(stream.FlushAsync(cancellationToken));
}

/// <summary>Runs a sync-adapter engine call and unwraps its already-completed result.</summary>
internal static class SyncIoExtensions
{
    public static T Complete<T>(this ValueTask<T> task)
    {
        System.Diagnostics.Debug.Assert(task.IsCompleted, "a SyncIo engine call must complete synchronously");
        return task.GetAwaiter().GetResult();
    }

    public static void Complete(this ValueTask task)
    {
        System.Diagnostics.Debug.Assert(task.IsCompleted, "a SyncIo engine call must complete synchronously");
        task.GetAwaiter().GetResult();
    }
}
