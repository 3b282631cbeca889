using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using NetComm.Internal;

namespace NetComm.Mime;

/// <summary>
/// The MIME edge on the way in: parses a message with MimeKit straight from the stream of its content as it
/// arrives, so the protocol engine hands over bytes and never sees a MIME type. One parser serves a client's
/// whole life: a new one per message would allocate its buffers again for every message of a batch.
/// </summary>
internal sealed class IncomingMessageReader
{
    private MimeParser? _parser;

    public async ValueTask<MimeMessage> ReadAsync<TIo>(Stream content, CancellationToken cancellationToken)
        where TIo : IIo
    {
        if (_parser is null)
        {
            _parser = new MimeParser(content, MimeFormat.Entity, persistent: false);
        }
        else
        {
            _parser.SetStream(content, MimeFormat.Entity, persistent: false);
        }

        return TIo.IsAsync
            ? await _parser.ParseMessageAsync(cancellationToken).ConfigureAwait(false)
            : _parser.ParseMessage(cancellationToken);
    }
}
