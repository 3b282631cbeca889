using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace NetComm.Mail.Internal;

/// <summary>The caller's bytes, sent unchanged apart from transport framing (pre-signed DKIM mail).</summary>
internal sealed class RawOutgoingMessage(Stream source) : OutgoingMessage
{
    public override MessageInspection? Inspect(bool international, bool eightBitAllowed, CancellationToken cancellationToken)
    {
        if (!source.CanSeek)
        {
            return null;
        }

        var start = source.Position;
        var inspection = new MessageInspection();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while ((n = source.Read(buffer)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                inspection.Write(buffer, 0, n);
            }
        }
        catch
        {
            inspection.Dispose();
            throw;
        }
        finally
        {
            // A cancelled measurement keeps the session, so a retry must find the caller's stream where it was.
            source.Position = start;
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return inspection;
    }

    public override async ValueTask WriteToAsync<TIo>(Stream destination, bool international, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                var n = await TIo.ReadAsync(source, buffer, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                await TIo.WriteAsync(destination, buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
