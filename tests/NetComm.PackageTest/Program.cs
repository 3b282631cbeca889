using System.Text;
using NetComm.Transport;

// Calls the installed package's public API end to end: a TCP server and a client on loopback.
using var server = new TcpServer((connection, stopping) =>
{
    var name = connection.ReadLine();
    connection.WriteLine($"hello, {name}.");
});
server.Start();
using var client = TcpConnection.Connect("127.0.0.1", server.LocalEndPoint.Port, new TcpClientOptions { ReadTimeout = TimeSpan.FromSeconds(10) });
client.WriteLine("package");
var reply = client.ReadLine();
Console.WriteLine($"NetComm {typeof(TcpServer).Assembly.GetName().Version} from package: {reply}");
return reply == "hello, package." ? 0 : 1;
