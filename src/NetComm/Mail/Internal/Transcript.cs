using System;
using System.IO;
using System.Text;
using Microsoft.Extensions.Logging;

namespace NetComm.Mail.Internal;

/// <summary>
/// The <c>C:</c>/<c>S:</c> protocol transcript, to a <see cref="TextWriter"/>, to a logger (Trace), or both, line
/// for line the same. Secrets never reach it: commands are redacted by the engine that knows which arguments are
/// secret, and message content is summarised unless opted in.
/// </summary>
internal sealed class Transcript(TextWriter? writer, bool includeContent, ILogger? logger, MailProtocol protocol)
{
    public const string Redacted = "********";

    private readonly ILogger? _logger = logger is not null && logger.IsEnabled(LogLevel.Trace) ? logger : null;

    public bool Enabled => writer is not null || _logger is not null;

    public bool IncludesContent => includeContent && Enabled;

    public void Client(string line) => Write("C: ", line);

    public void Server(ReadOnlySpan<byte> line)
    {
        if (Enabled)
        {
            Write("S: ", Encoding.UTF8.GetString(line));
        }
    }

    public void ClientContent(long bytes, string what) => Write("C: ", $"<{what}: {bytes:N0} bytes>");

    public void ServerContent(long bytes, string what) => Write("S: ", $"<{what}: {bytes:N0} bytes>");

    public void Note(string text) => Write("-- ", text);

    private void Write(string prefix, string line)
    {
        if (_logger is not null)
        {
            protocol.LogTranscript(_logger, prefix + line);
        }

        if (writer is null)
        {
            return;
        }

        lock (writer)
        {
            writer.WriteLine(prefix + line);
        }
    }
}
