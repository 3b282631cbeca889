using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Mail.Internal;
using NetComm.Mail.Sasl;
using NetComm.Pop3.Internal;
using NetComm.Smtp.Protocol;
using NetComm.Transport;

namespace NetComm.Fuzz.Targets;

/// <summary>
/// SASL challenges through the shared exchange and the real SMTP or POP3 framing. The first input byte picks
/// the protocol (bit 0), the mechanism (bits 1-3) and the mode (bit 7): raw, the rest of the input is what the
/// server sends after AUTH; framed, each line of the rest is a decoded challenge that the target base64-encodes
/// and frames as the protocol does (334 / "+ "), followed by the server's success reply, so that the
/// mechanisms' own parsing (SCRAM's server-first and server-final messages) is reached directly.
/// SCRAM uses a fixed client nonce (RFC 5802's example) so that an input can extend it.
/// </summary>
internal static class SaslTarget
{
    public const string ClientNonce = "fyko+d2lbbFgONRv9qkxdawL";

    private static readonly string[] s_mechanisms = ["SCRAM-SHA-1", "SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN", "XOAUTH2"];

    public static void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var smtp = (input[0] & 1) == 0;
        var name = s_mechanisms[((input[0] >> 1) & 7) % s_mechanisms.Length];
        var framed = (input[0] & 0x80) != 0;
        var rest = input.AsSpan(1);
        var server = framed ? Frame(rest, smtp) : rest.ToArray();
        var credentials = name == "XOAUTH2" ? MailCredentials.FromAccessToken("user", "token") : FuzzSetup.Credentials;
        var mechanism = name.StartsWith("SCRAM", StringComparison.Ordinal)
            ? new ScramMechanism(credentials, name == "SCRAM-SHA-256" ? ScramMechanism.Sha256 : ScramMechanism.Sha1, ClientNonce)
            : SaslMechanism.Create(name, credentials)!;
        if (smtp)
        {
            RunSmtp(mechanism, credentials, server);
        }
        else
        {
            RunPop3(mechanism, credentials, server);
        }
    }

    private static void RunSmtp(SaslMechanism mechanism, MailCredentials credentials, byte[] server)
    {
        var options = FuzzSetup.Smtp();
        var opening = $"220 fuzz.test ESMTP\r\n250-fuzz.test\r\n250 AUTH {mechanism.Name}\r\n";
        using var engine = new SmtpEngine(options, () => MailConnection.Over(new TcpConnection(new FuzzServerStream(FuzzSetup.After(opening, server))), options, MailProtocol.Smtp));
        engine.ConnectAsync<SyncIo>(default).Complete();
        var context = new AuthenticationContext(MailProtocol.Smtp, options, NullLogger.Instance, credentials, false, [mechanism.Name], []);
        SaslExchange.RunAsync<SyncIo>(mechanism, engine, context, default).Complete();
    }

    private static void RunPop3(SaslMechanism mechanism, MailCredentials credentials, byte[] server)
    {
        var options = FuzzSetup.Pop3();
        var connection = MailConnection.Over(new TcpConnection(new FuzzServerStream(FuzzSetup.After("+OK fuzz\r\n-ERR no CAPA\r\n", server))), options, MailProtocol.Pop3);
        var gate = new MailSessionGate(MailProtocol.Pop3, options, () => connection, _ => { });
        using var session = Pop3Session.ConnectAsync<SyncIo>(options, NullLogger.Instance, gate, () => connection, _ => { }, default).Complete();
        var context = new AuthenticationContext(MailProtocol.Pop3, options, NullLogger.Instance, credentials, false, [mechanism.Name], []);
        SaslExchange.RunAsync<SyncIo>(mechanism, session, context, default).Complete();
    }

    /// <summary>Each line a challenge in base64, then success; the refusal after a cancelling "*" is appended too.</summary>
    private static byte[] Frame(ReadOnlySpan<byte> challenges, bool smtp)
    {
        var server = new StringBuilder();
        foreach (var challenge in Lines(challenges))
        {
            server.Append(smtp ? "334 " : "+ ").Append(Convert.ToBase64String(challenge)).Append("\r\n");
        }

        server.Append(smtp ? "235 2.7.0 Authentication successful\r\n" : "+OK logged in\r\n");
        return Encoding.ASCII.GetBytes(server.ToString());
    }

    private static List<byte[]> Lines(ReadOnlySpan<byte> text)
    {
        var lines = new List<byte[]>();
        while (true)
        {
            var lf = text.IndexOf((byte)'\n');
            if (lf < 0)
            {
                lines.Add(text.ToArray());
                return lines;
            }

            lines.Add(text[..lf].ToArray());
            text = text[(lf + 1)..];
        }
    }
}
