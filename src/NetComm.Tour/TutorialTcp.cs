using System.Text;
using NetComm.Transport;

namespace NetComm.Tour;

/// <summary>
/// The tutorial's TCP server body (tcplink) and client, with its unframed protocol: each receive is one
/// message, as the tutorial's client sends one word and waits for the reply before sending the next.
/// Every payload is printed both ways (<see cref="Wire"/>), next to the lines the tutorial itself prints.
/// </summary>
internal static class TutorialTcp
{
    /// <summary>The size the tutorial passes to every <c>recv</c>.</summary>
    public const int RecvSize = 1024;

    /// <summary>The tutorial's client sends these, one per receive, then <c>b'exit'</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["Michael", "Tracy", "Sarah"];

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The tutorial's <c>tcplink(sock, addr)</c>, byte for byte: send <c>b'Welcome.'</c>; then for each
    /// <c>recv(1024)</c>: stop at end of stream or when the payload is exactly <c>exit</c>, else print
    /// "receive, NAME" and send <c>'hello, NAME.'</c> (NAME is the whole payload, whatever it holds:
    /// a trailing newline stays in the reply, and two words that arrive together are one NAME).
    /// The tutorial's <c>time.sleep(1)</c> after each recv is left out.
    /// </summary>
    public static void Link(ITcpConnection connection, TextWriter output, string who)
    {
        var peer = connection.RemoteEndPoint;
        output.WriteLine($"{who}: accept new connection from {peer}...");
        try
        {
            Send(connection, "Welcome."u8, output, who);
            var buffer = new byte[RecvSize];
            while (true)
            {
                var n = connection.Read(buffer);
                if (n == 0)
                {
                    Wire.EndOfStream(output, who, peer);
                    break;
                }

                var data = buffer.AsSpan(0, n);
                Wire.Received(output, who, peer, data);
                string name;
                try
                {
                    name = s_strictUtf8.GetString(data);
                }
                catch (DecoderFallbackException)
                {
                    output.WriteLine($"{who}: that is not UTF-8: the tutorial's data.decode('utf-8') raises here and its thread ends; closing.");
                    break;
                }

                if (name == "exit")
                {
                    break;
                }

                output.WriteLine($"{who}: receive, {name}");
                Send(connection, Encoding.UTF8.GetBytes($"hello, {name}."), output, who);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or TimeoutException)
        {
            output.WriteLine($"{who}: connection from {peer} failed: {e.Message}");
        }

        output.WriteLine($"{who}: connection from {peer} closed.");
    }

    /// <summary>
    /// The tutorial's client on a connected socket: print the greeting, send each name and print the reply
    /// (each time whatever one <c>recv(1024)</c> returns), then send <c>b'exit'</c>. With
    /// <paramref name="expectClose"/> it then also checks that the server closes the connection (the tutorial
    /// just closes its socket).
    /// </summary>
    public static void Client(ITcpConnection client, IReadOnlyList<string> names, TextWriter output, string who, bool expectClose)
    {
        output.WriteLine($"{who}: connected to {client.RemoteEndPoint} from {client.LocalEndPoint}");
        var buffer = new byte[RecvSize];
        output.WriteLine($"{who}: {Receive(client, buffer, output, who)}");
        foreach (var name in names)
        {
            Send(client, Encoding.UTF8.GetBytes(name), output, who);
            output.WriteLine($"{who}: {Receive(client, buffer, output, who)}");
        }

        Send(client, "exit"u8, output, who);
        if (expectClose)
        {
            var n = client.Read(buffer);
            if (n != 0)
            {
                Wire.Received(output, who, client.RemoteEndPoint, buffer.AsSpan(0, n));
                throw new InvalidOperationException("the server did not close the connection after 'exit'.");
            }

            Wire.EndOfStream(output, who, client.RemoteEndPoint);
        }
    }

    private static void Send(ITcpConnection connection, ReadOnlySpan<byte> payload, TextWriter output, string who)
    {
        // Printed before the send, so that in the tour's shared output a payload is sent before it is received.
        Wire.Sent(output, who, connection.RemoteEndPoint, payload);
        connection.Write(payload);
    }

    private static string Receive(ITcpConnection connection, byte[] buffer, TextWriter output, string who)
    {
        var n = connection.Read(buffer);
        if (n == 0)
        {
            Wire.EndOfStream(output, who, connection.RemoteEndPoint);
            throw new EndOfStreamException("the server closed the connection early.");
        }

        Wire.Received(output, who, connection.RemoteEndPoint, buffer.AsSpan(0, n));
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
