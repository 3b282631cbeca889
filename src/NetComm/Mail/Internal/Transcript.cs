using System;
using System.IO;
using System.Text;
using Microsoft.Extensions.Logging;

namespace NetComm.Mail.Internal;

/// <summary>
/// The <c>C:</c>/<c>S:</c> protocol transcript, to a <see cref="TextWriter"/>, to a logger (Trace), or both, line
/// for line the same. Secrets never reach it: commands are redacted by the engine that knows which arguments are
/// secret, and message content is summarised by its size. Content itself, when opted in, goes to the writer only:
/// a logger feeds pipelines and stores the caller does not watch line by line, so it always gets the summary.
/// </summary>
internal sealed class Transcript(TextWriter? writer, bool includeContent, ILogger? logger, MailProtocol protocol)
{
    public const string Redacted = "********";

    private readonly ILogger? _logger = logger is not null && logger.IsEnabled(LogLevel.Trace) ? logger : null;

    public bool Enabled => writer is not null || _logger is not null;

    /// <summary>Whether message content goes to the writer line by line (never to the logger).</summary>
    public bool IncludesContent => includeContent && writer is not null;

    public void Client(string line) => Write("C: ", line);

    public void Server(ReadOnlySpan<byte> line)
    {
        if (Enabled)
        {
            Write("S: ", Encoding.UTF8.GetString(line));
        }
    }

    /// <summary>The summary line of content sent: to the logger always, to the writer when it does not get the content itself.</summary>
    public void ClientContent(long bytes, string what) => Summarise("C: ", $"<{what}: {bytes:N0} bytes>");

    /// <summary>The summary line of content received, as <see cref="ClientContent"/>.</summary>
    public void ServerContent(long bytes, string what) => Summarise("S: ", $"<{what}: {bytes:N0} bytes>");

    /// <summary>Content sent, for the writer only (see <see cref="IncludesContent"/>).</summary>
    public void ClientContentText(string text) => WriteToWriter("C: " + text);

    /// <summary>One line of content received, for the writer only.</summary>
    public void ServerContentLine(ReadOnlySpan<byte> line) => WriteToWriter("S: " + Encoding.UTF8.GetString(line));

    public void Note(string text) => Write("-- ", text);

    private void Write(string prefix, string line)
    {
        if (_logger is not null)
        {
            protocol.LogTranscript(_logger, prefix + line);
        }

        WriteToWriter(prefix + line);
    }

    private void Summarise(string prefix, string summary)
    {
        if (_logger is not null)
        {
            protocol.LogTranscript(_logger, prefix + summary);
        }

        if (!IncludesContent)
        {
            WriteToWriter(prefix + summary);
        }
    }

    private void WriteToWriter(string line)
    {
        if (writer is null)
        {
            return;
        }

        lock (writer)
        {
            writer.WriteLine(line);
        }
    }
}
