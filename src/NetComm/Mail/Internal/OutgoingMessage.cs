using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;

namespace NetComm.Mail.Internal;

/// <summary>
/// The bytes of a message to send, as a protocol engine sees them: written by the MIME layer
/// (<c>NetComm.Mime.MimeOutgoingMessage</c>) or taken from the caller as they are (<see cref="RawOutgoingMessage"/>),
/// with what a transport must decide before sending (size, 8-bit, binary, line lengths). Engines see this and
/// streams, never MimeKit types.
/// </summary>
internal abstract class OutgoingMessage : IDisposable
{
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>
    /// A dry run over the bytes that will be sent; null when they cannot be read twice (a non-seekable raw stream).
    /// A MIME message that cannot go as built (a line over 998 octets, NUL, 8-bit content unlabelled or for a server
    /// without 8BITMIME) is fitted first; raw content is never changed.
    /// </summary>
    public abstract MessageInspection? Inspect(bool international, bool eightBitAllowed, CancellationToken cancellationToken);

    public abstract ValueTask WriteToAsync<TIo>(Stream destination, bool international, CancellationToken cancellationToken)
        where TIo : IIo;
}
