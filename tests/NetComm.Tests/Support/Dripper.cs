using System.Net;
using System.Net.Sockets;

namespace NetComm.Tests.Support;

/// <summary>
/// Slowloris clients: each holds a raw socket to the server and sends one byte (never a newline) every
/// <c>interval</c>, reconnecting as soon as the server drops or refuses it, until disposed.
/// </summary>
public sealed class Dripper : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Thread> _threads = [];
    private long _connections;

    public Dripper(IPEndPoint server, int clients, TimeSpan interval, byte[]? prefix = null)
    {
        for (var i = 0; i < clients; i++)
        {
            var thread = new Thread(() => Run(server, interval, prefix)) { IsBackground = true, Name = "dripper" };
            _threads.Add(thread);
            thread.Start();
        }
    }

    /// <summary>Connections opened so far (each reconnect counts).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var thread in _threads)
        {
            thread.Join(Timeouts.Wait);
        }

        _stop.Dispose();
    }

    private void Run(IPEndPoint server, TimeSpan interval, byte[]? prefix)
    {
        while (!_stop.IsCancellationRequested)
        {
            using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Connect(server);
                Interlocked.Increment(ref _connections);
                if (prefix is not null)
                {
                    socket.Send(prefix);
                }

                while (!_stop.Token.WaitHandle.WaitOne(interval))
                {
                    // A send to a connection the server closed fails (at the latest on the second try): reconnect.
                    socket.Send("x"u8);
                    if (socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0)
                    {
                        break;
                    }
                }
            }
            catch (SocketException)
            {
                // Refused or reset: try again at once, as an attacker would.
                _stop.Token.WaitHandle.WaitOne(10);
            }
        }
    }
}
