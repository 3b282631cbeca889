using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;

namespace NetComm.Pop3.Internal;

internal sealed partial class Pop3Session
{
    /// <summary>
    /// Command bytes in flight at most when pipelining (about 700 RETRs). Far less than the socket buffers of
    /// both ends hold, so writing commands can never block while the server waits for us to read its replies;
    /// enough that the server never runs dry waiting for the next command.
    /// </summary>
    internal const int MaxBytesInFlight = 8 * 1024;

    /// <summary>
    /// Sends <paramref name="count"/> commands and hands each reply, in order, to <paramref name="onReply"/>,
    /// which must read any multi-line body that follows a +OK. With PIPELINING the commands go out in as few
    /// writes as <see cref="MaxBytesInFlight"/> allows, topped up as replies arrive; without it, one command per
    /// round trip. Once <paramref name="stopSending"/> says so, no more commands go out, but the replies to those
    /// already sent are still handed over, so that the session stays in step with the server.
    /// </summary>
    private async ValueTask PipelineAsync<TIo>(
        int count,
        Func<int, string> commandAt,
        Func<int, Pop3Reply, ValueTask> onReply,
        Func<bool>? stopSending,
        CancellationToken cancellationToken)
        where TIo : IIo
    {
        var budget = IsPipelining ? MaxBytesInFlight : 0;
        var sent = 0;
        var bytesInFlight = 0;
        var commands = new string[count];
        for (var done = 0; done < count; done++)
        {
            var stopping = stopSending?.Invoke() == true;
            if (stopping && done == sent)
            {
                return;
            }

            if (!stopping && sent < count && bytesInFlight <= budget / 2)
            {
                var batch = new StringBuilder();
                do
                {
                    var command = commands[sent] = commandAt(sent);
                    _connection.Transcript.Client(command);
                    batch.Append(command).Append("\r\n");
                    bytesInFlight += command.Length + 2;
                    sent++;
                }
                while (sent < count && bytesInFlight + commands[sent - 1].Length + 2 <= budget);

                await _connection.WriteAsync<TIo>(Encoding.UTF8.GetBytes(batch.ToString()), cancellationToken).ConfigureAwait(false);
            }

            var reply = await ReadReplyAsync<TIo>(commands[done], cancellationToken).ConfigureAwait(false);
            bytesInFlight -= commands[done].Length + 2;
            await onReply(done, reply).ConfigureAwait(false);
        }
    }
}
