using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Mail;

/// <summary>A scripted server on a real loopback socket: the test writes what the server says, line by line.</summary>
public static class SessionScript
{
    public static TcpServer Serve(Action<ITcpConnection> script)
        => LoopbackServer.Start((c, _) =>
        {
            try
            {
                script(c);
            }
            catch (Exception e) when (e is TransportException or TimeoutException or IOException or ObjectDisposedException)
            {
                // The client hung up on the misbehaving server, as it should.
            }
        });

    /// <summary>Reads client lines until one starts with <paramref name="prefix"/>; returns it.</summary>
    public static string Expect(ITcpConnection c, string prefix, List<string>? log = null)
    {
        while (true)
        {
            var line = c.ReadLine() ?? throw new EndOfStreamException($"the client left while the server waited for {prefix}");
            lock (log ?? new List<string>())
            {
                log?.Add(line);
            }

            if (line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return line;
            }
        }
    }

    /// <summary>Writes <paramref name="text"/> one byte at a time, <paramref name="gap"/> apart, until the client leaves or the text ends.</summary>
    /// <remarks>The gaps are the stimulus (a slow server), not synchronisation: no test waits on them.</remarks>
    public static void Drip(ITcpConnection c, string text, TimeSpan gap)
    {
        foreach (var b in System.Text.Encoding.ASCII.GetBytes(text))
        {
            c.Write([b]);
            Thread.Sleep(gap);
        }
    }

    /// <summary>Records whatever the client still sends until it says QUIT (answered with <paramref name="quitReply"/>) or closes.</summary>
    public static void Drain(ITcpConnection c, List<string> log, string quitReply)
    {
        while (c.ReadLine() is { } line)
        {
            lock (log)
            {
                log.Add(line);
            }

            if (line.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase))
            {
                c.WriteLine(quitReply);
                return;
            }
        }
    }
}
