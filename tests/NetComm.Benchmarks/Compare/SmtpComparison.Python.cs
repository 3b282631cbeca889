using System.Globalization;
using MimeKit;

namespace NetComm.Benchmarks.Compare;

/// <summary><c>smtp.sessions-python</c>: NetComm's sessions against Python's smtplib (python/smtp_sessions.py).</summary>
internal sealed partial class SmtpComparison
{
    /// <summary>
    /// 200 sessions to Postfix's submission port, each STARTTLS + AUTH PLAIN + one message + QUIT. Both sides use
    /// PLAIN: smtplib has no SCRAM, and its own choice (CRAM-MD5) is one NetComm does not offer. Both send the same
    /// bytes: the benchmark message as NetComm puts it on the wire, written to a file for the script.
    /// </summary>
    private static void SessionsAgainstPython(SmtpTarget target, MimeMessage message, int count, CompareSettings settings)
    {
        const string name = "smtp.sessions-python";
        if (!settings.Includes(name))
        {
            return;
        }

        var file = Path.GetTempFileName();
        try
        {
            var submission = SmtpEndpoint.Submission(target, mechanism: "PLAIN", trustCaFile: true);
            PeerRounds.Run(name, "sessions/s", "python", settings.Rounds, netcomm => netcomm
                ? Sessions(submission, message, count, Client.NetComm)
                : PythonSessions(target, message, file, count));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static double PythonSessions(SmtpTarget target, MimeMessage message, string file, int count)
    {
        if (new FileInfo(file).Length == 0)
        {
            WriteAsSent(message, file);
        }

        return PythonPeer.Run(
            "smtp_sessions.py",
            "--host", target.Host,
            "--port", target.Port.ToString(CultureInfo.InvariantCulture),
            "--cafile", target.CaFile,
            "--user", target.User,
            "--password", target.Password,
            "--mail-from", message.From.Mailboxes.Single().Address,
            "--rcpt-to", message.To.Mailboxes.Single().Address,
            "--message", file,
            "--count", count.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The message's bytes as NetComm sends them to a server with 8BITMIME: CRLF line endings, and parts whose lines
    /// exceed SMTP's 998 octets re-encoded by MimeKit's Prepare. A copy is prepared, so the caller's message is not
    /// changed.
    /// </summary>
    private static void WriteAsSent(MimeMessage message, string path)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.EnsureNewLine = true;
        using var buffer = new MemoryStream();
        message.WriteTo(options, buffer);
        buffer.Position = 0;
        using var copy = MimeMessage.Load(buffer);
        copy.Prepare(EncodingConstraint.EightBit, 998);
        using var file = File.Create(path);
        copy.WriteTo(options, file);
    }
}
