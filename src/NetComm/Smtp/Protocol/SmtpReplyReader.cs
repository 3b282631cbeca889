using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;

namespace NetComm.Smtp.Protocol;

/// <summary>
/// Reads one (possibly multi-line) reply. Bounded in line length (by the connection), line count and
/// total size; a non-digit code, a bad separator or a code that changes between lines is a protocol error.
/// </summary>
internal static class SmtpReplyReader
{
    /// <summary>Reads the reply to <paramref name="replyTo"/> (a command, or the greeting) under one deadline and the reply budget.</summary>
    public static async ValueTask<SmtpReply> ReadAsync<TIo>(MailConnection connection, SmtpClientOptions options, string replyTo, TimeSpan timeout, CancellationToken cancellationToken)
        where TIo : IIo
    {
        using var reply = connection.BeginReply(replyTo, timeout, new ReplyBudget(options.MaxReplyLines, options.MaxReplyBytes));
        var code = -1;
        var lines = new List<string>(1);
        while (true)
        {
            var line = await connection.ReadLineAsync<TIo>(cancellationToken).ConfigureAwait(false);
            var (lineCode, more, text) = ParseLine(line.Span, connection);
            if (code == -1)
            {
                code = lineCode;
            }
            else if (lineCode != code)
            {
                throw Broken(connection, $"a multi-line reply changed its code from {code} to {lineCode}");
            }

            lines.Add(text);
            if (!more)
            {
                break;
            }
        }

        var result = new SmtpReply(code, lines);
        if (code == 421 && replyTo != "QUIT")
        {
            // RFC 5321 3.8: the server is shutting the channel, whatever the command; nothing more will be read or
            // written. A refusal with the server's code and text (transient), which ends the session.
            throw new SmtpCommandException(
                $"The SMTP server {connection.Host} is closing the connection (in reply to {(replyTo == MailConnection.Greeting ? "the greeting" : replyTo)}): {result}",
                SmtpErrorCode.ServiceNotAvailable,
                result)
            {
                EndsSession = true,
                Command = replyTo,
            };
        }

        return result;
    }

    internal static (int Code, bool More, string Text) ParseLine(ReadOnlySpan<byte> line, MailConnection? connection)
    {
        if (line.Length < 3 || !IsDigit(line[0], '2', '5') || !IsDigit(line[1], '0', '9') || !IsDigit(line[2], '0', '9'))
        {
            throw Broken(connection, $"malformed reply line \"{Show(line)}\"");
        }

        var code = ((line[0] - '0') * 100) + ((line[1] - '0') * 10) + (line[2] - '0');
        if (line.Length == 3)
        {
            return (code, false, "");
        }

        return line[3] switch
        {
            (byte)' ' => (code, false, Encoding.UTF8.GetString(line[4..])),
            (byte)'-' => (code, true, Encoding.UTF8.GetString(line[4..])),
            _ => throw Broken(connection, $"malformed reply line \"{Show(line)}\""),
        };
    }

    private static bool IsDigit(byte b, char low, char high) => b >= low && b <= high;

    private static string Show(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 80)]);
        return new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }

    private static MailProtocolException Broken(MailConnection? connection, string what)
        => new($"The SMTP server {(connection is null ? "" : $"{connection.Host}:{connection.Port} ")}broke the protocol: {what}.");
}
