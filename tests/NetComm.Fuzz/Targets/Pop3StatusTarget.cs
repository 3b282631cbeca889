using NetComm.Internal;
using NetComm.Mail.Internal;
using NetComm.Pop3;
using NetComm.Pop3.Internal;
using NetComm.Transport;

namespace NetComm.Fuzz.Targets;

/// <summary>
/// POP3 status lines: the input is everything the server sends. The greeting is read by a real connect (status
/// line, APOP timestamp, then CAPA); then every line of the input is read as the session reads a status line
/// (one line under the status-line budget, then <see cref="Pop3Reply.Parse"/>), a -ERR turned into the refusal
/// the API throws, until the input ends.
/// </summary>
internal static class Pop3StatusTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            using var client = FuzzSetup.ConnectPop3(input);
            _ = (client.Greeting?.ToString(), client.Capabilities?.Apop);
        }
        catch (NetComm.Mail.MailException)
        {
            // The rest of the input is still read line by line below.
        }

        var options = FuzzSetup.Pop3();
        using var connection = MailConnection.Over(new TcpConnection(new FuzzServerStream(input)), options, MailProtocol.Pop3);
        while (true)
        {
            using var scope = connection.BeginReply("NOOP", options.CommandTimeout, ReplyBudget.StatusLine(options.MaxLineLength));
            var line = connection.ReadLineAsync<SyncIo>(default).Complete();
            var reply = Pop3Reply.Parse(line.Span, "NOOP");
            _ = (reply.ToString(), ApopDigest.TimestampOf(reply.Text));
            if (!reply.IsOk)
            {
                var refusal = reply.ToException("NOOP");
                _ = (refusal.ResponseCode, refusal.IsTransient, refusal.ServerReply);
            }
        }
    }
}
