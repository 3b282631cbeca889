using System;
using NetComm.Internal;
using NetComm.Mail.Internal;
using NetComm.Smtp;
using NetComm.Smtp.Protocol;
using NetComm.Transport;

namespace NetComm.Fuzz.Targets;

/// <summary>
/// SMTP replies and EHLO: the input is everything the server sends. Replies are read one after the other by
/// the real reader (line, count and size budgets under one deadline) until the input ends; every 250 reply is
/// also parsed as an EHLO reply, as the engine does after EHLO.
/// </summary>
internal static class SmtpReplyTarget
{
    public static void Run(byte[] input)
    {
        var options = FuzzSetup.Smtp();
        using var connection = MailConnection.Over(new TcpConnection(new FuzzServerStream(input)), options, MailProtocol.Smtp);

        // Ends with the MailProtocolException for the end of the stream (or an earlier protocol error).
        while (true)
        {
            var reply = SmtpReplyReader.ReadAsync<SyncIo>(connection, options, "EHLO client.test", options.CommandTimeout, default).Complete();
            _ = (reply.ToString(), reply.Text, reply.EnhancedStatusCode?.ToString(), reply.IsTransient);
            if (reply.Code == 250)
            {
                Touch(EhloParser.Parse(reply));
            }
        }
    }

    private static void Touch(SmtpCapabilities capabilities)
    {
        _ = (capabilities.ServerName, capabilities.MaxMessageSize, capabilities.Supports(SmtpExtensions.Pipelining));
        foreach (var mechanism in capabilities.AuthenticationMechanisms)
        {
            ArgumentException.ThrowIfNullOrEmpty(mechanism);
        }

        foreach (var (keyword, parameters) in capabilities.Keywords)
        {
            _ = keyword.Length + parameters.Length;
        }
    }
}
