using System;
using System.Text;
using NetComm.Internal;
using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Smtp;
using NetComm.Transport;

namespace NetComm.Fuzz.Targets;

/// <summary>Options and scripted openings shared by the targets: plaintext (no TLS to negotiate), defaults otherwise.</summary>
internal static class FuzzSetup
{
    public static readonly MailCredentials Credentials = new("user", "pencil");

    public static SmtpClientOptions Smtp() => new()
    {
        Host = "fuzz.test",
        Port = 25,
        TlsMode = TlsMode.None,
        AllowPlaintextAuthentication = true,
        LocalDomain = "client.test",
    };

    public static Pop3ClientOptions Pop3() => new()
    {
        Host = "fuzz.test",
        Port = 110,
        TlsMode = TlsMode.None,
        AllowPlaintextAuthentication = true,
    };

    /// <summary>The server's bytes: a fixed, valid opening that brings the client to the parser under test, then the fuzz input.</summary>
    public static byte[] After(string opening, ReadOnlySpan<byte> input)
    {
        var prefix = Encoding.ASCII.GetBytes(opening);
        var bytes = new byte[prefix.Length + input.Length];
        prefix.CopyTo(bytes, 0);
        input.CopyTo(bytes.AsSpan(prefix.Length));
        return bytes;
    }

    /// <summary>A POP3 client connected over <paramref name="serverBytes"/> (greeting and CAPA read from them).</summary>
    public static Pop3Client ConnectPop3(byte[] serverBytes)
    {
        var client = new Pop3Client(Pop3());
        try
        {
            client.ConnectAsync<SyncIo>(new TcpConnection(new FuzzServerStream(serverBytes)), default).Complete();
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
