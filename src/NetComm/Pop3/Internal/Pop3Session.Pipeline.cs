using System.Text;
using NetComm.Internal;

namespace NetComm.Pop3.Internal;

internal sealed partial class Pop3Session
{
    /// <summary>
    /// Commands in flight at most when pipelining. The commands of a window are small enough to sit in the
    /// socket buffers, so writing them can never block while the server waits for us to read its replies.
    /// </summary>
    internal static int PipelineWindow = int.Parse(Environment.GetEnvironmentVariable("POP3_WINDOW") ?? "64", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Sends <paramref name="count"/> commands and hands each reply, in order, to <paramref name="onReply"/>,
    /// which must read any multi-line body that follows a +OK. With PIPELINING the commands go out a window
    /// at a time in one write each, topped up as replies arrive; without it, one command per round trip.
    /// Once <paramref name="stopSending"/> says so, no more commands go out, but the replies to those already
    /// sent are still handed over, so that the session stays in step with the server.
    /// </summary>
    private async ValueTask PipelineAsync<TIo>(
        int count,
        Func<int, string> commandAt,
        Func<int, Pop3Reply, ValueTask> onReply,
        Func<bool>? stopSending,
        CancellationToken cancellationToken)
        where TIo : IIo
    {
        var window = IsPipelining ? PipelineWindow : 1;
        var sent = 0;
        for (var done = 0; done < count; done++)
        {
            var stopping = stopSending?.Invoke() == true;
            if (stopping && done == sent)
            {
                return;
            }

            if (!stopping && sent < count && sent - done <= window / 2)
            {
                var upTo = Math.Min(count, done + window);
                await WriteCommandsAsync<TIo>(commandAt, sent, upTo, cancellationToken).ConfigureAwait(false);
                sent = upTo;
            }

            var reply = await ReadReplyAsync<TIo>(commandAt(done), cancellationToken).ConfigureAwait(false);
            await onReply(done, reply).ConfigureAwait(false);
        }
    }

    /// <summary>Writes commands [from, to) in one write.</summary>
    private ValueTask WriteCommandsAsync<TIo>(Func<int, string> commandAt, int from, int to, CancellationToken cancellationToken)
        where TIo : IIo
    {
        var text = new StringBuilder();
        for (var i = from; i < to; i++)
        {
            var command = commandAt(i);
            _connection.Transcript.Client(command);
            text.Append(command).Append("\r\n");
        }

        return _connection.WriteAsync<TIo>(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
    }
}
