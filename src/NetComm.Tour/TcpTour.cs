using System.Text;
using NetComm.Transport;

namespace NetComm.Tour;

/// <summary>The tutorial's TCP server (a thread per client: Welcome., hello, NAME.) and client.</summary>
internal static class TcpTour
{
    public static void Run(TourOptions options, TextWriter output)
    {
        TcpServer? server = null;
        var host = options.TcpHost;
        var port = options.TcpPort;
        if (host is null)
        {
            server = new TcpServer((connection, stopping) => Greet(connection, output), new TcpServerOptions { Name = "tour-tcp" });
            server.Start();
            host = server.LocalEndPoint.Address.ToString();
            port = server.LocalEndPoint.Port;
            output.WriteLine($"Server: waiting for connection on {server.LocalEndPoint}...");
        }

        bool drained;
        try
        {
            using var client = TcpConnection.Connect(host, port, new TcpClientOptions { ReadTimeout = options.Timeout });
            output.WriteLine($"Client: {ReceiveText(client)}");
            foreach (var name in options.Names)
            {
                client.Write(Encoding.UTF8.GetBytes(name));
                output.WriteLine($"Client: {ReceiveText(client)}");
            }

            client.Write("exit"u8);
            var tail = client.Read(new byte[16]);
            if (tail != 0)
            {
                throw new InvalidOperationException("the server did not close the connection after 'exit'.");
            }
        }
        finally
        {
            drained = server?.Stop(TimeSpan.FromSeconds(5)) ?? true;
        }

        if (!drained)
        {
            throw new TimeoutException("the TCP server's handlers did not finish within 5 s.");
        }
    }

    /// <summary>
    /// The tutorial's tcplink(): greet, then answer each name until 'exit'. Like the tutorial it reads
    /// whatever one receive brings (its client sends unterminated words and waits for each reply);
    /// lines typed by hand with netcat are answered one by one.
    /// </summary>
    public static void Greet(ITcpConnection connection, TextWriter output)
    {
        output.WriteLine($"Server: accept new connection from {connection.RemoteEndPoint}...");
        connection.Write("Welcome."u8);
        var buffer = new byte[1024];
        while (true)
        {
            var n = connection.Read(buffer);
            if (n == 0)
            {
                break;
            }

            var reply = new StringBuilder();
            foreach (var line in Encoding.UTF8.GetString(buffer, 0, n).Split('\n'))
            {
                var name = line.TrimEnd('\r');
                if (name == "exit")
                {
                    Send(connection, reply);
                    output.WriteLine($"Server: connection from {connection.RemoteEndPoint} closed.");
                    return;
                }

                if (name.Length > 0)
                {
                    output.WriteLine($"Server: receive, {name}");
                    reply.Append("hello, ").Append(name).Append('.');
                }
            }

            Send(connection, reply);
        }

        output.WriteLine($"Server: connection from {connection.RemoteEndPoint} closed.");
    }

    private static void Send(ITcpConnection connection, StringBuilder reply)
    {
        if (reply.Length > 0)
        {
            connection.Write(Encoding.UTF8.GetBytes(reply.ToString()));
        }
    }

    private static string ReceiveText(ITcpConnection connection)
    {
        var buffer = new byte[1024];
        var n = connection.Read(buffer);
        return n == 0 ? throw new EndOfStreamException("the server closed the connection early.") : Encoding.UTF8.GetString(buffer, 0, n);
    }
}
