using System;
using System.IO;
using System.Text;

namespace NetComm.Mail.Internal;

/// <summary>
/// The <c>C:</c>/<c>S:</c> protocol transcript. Secrets never reach it: commands are redacted by the
/// engine that knows which arguments are secret, and message content is summarised unless opted in.
/// </summary>
internal sealed class Transcript(TextWriter? writer, bool includeContent)
{
    public const string Redacted = "********";

    public bool Enabled => writer is not null;

    public bool IncludesContent => includeContent && writer is not null;

    public void Client(string line) => Write("C: ", line);

    public void Server(ReadOnlySpan<byte> line)
    {
        if (writer is not null)
        {
            Write("S: ", Encoding.UTF8.GetString(line));
        }
    }

    public void ClientContent(long bytes, string what) => Write("C: ", $"<{what}: {bytes:N0} bytes>");

    public void ServerContent(long bytes, string what) => Write("S: ", $"<{what}: {bytes:N0} bytes>");

    public void Note(string text) => Write("-- ", text);

    private void Write(string prefix, string line)
    {
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
