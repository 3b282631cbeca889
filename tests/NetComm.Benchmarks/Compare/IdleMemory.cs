using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace NetComm.Benchmarks.Compare;

/// <summary>
/// Resident memory per idle connection. Each reading runs the server in a fresh child process
/// (<c>idle-server netcomm|baseline COUNT</c>), so nothing but the server lives there: the clients stay
/// in this process, and no earlier round's freed-but-retained memory can hide or inflate the growth.
/// The child warms its code paths on a throwaway server, collects garbage and reads VmRSS; the
/// clients connect (each does one 64-byte echo, then stays idle); the child waits until every handler
/// has started and is blocked reading, collects again and reads VmRSS again.
/// Figure = (after - before) / connections, in KiB.
/// </summary>
internal static class IdleMemory
{
    public const string ChildCommand = "idle-server";

    /// <summary>Parent side: one reading, in KiB per connection.</summary>
    public static double KiBPerConnection(Side side, int connections)
    {
        using var child = StartChild(side, connections);
        Socket[] sockets = [];
        try
        {
            var ready = ReadReply(child, "ready");
            Measure.Trace("child ready");
            var port = int.Parse(ready[1], CultureInfo.InvariantCulture);
            sockets = TcpLoad.Connect(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), connections);
            child.StandardInput.WriteLine("measure");
            child.StandardInput.Flush();
            Measure.Trace("clients connected");
            var rss = ReadReply(child, "rss");
            Measure.Trace("child measured");
            var before = long.Parse(rss[1], CultureInfo.InvariantCulture);
            var after = long.Parse(rss[2], CultureInfo.InvariantCulture);
            return (after - before) / (double)connections;
        }
        finally
        {
            TcpLoad.CloseAll(sockets);
            try
            {
                child.StandardInput.Close();
                if (!child.WaitForExit(TimeSpan.FromSeconds(15)))
                {
                    child.Kill();
                }

                Measure.Trace("child exited");
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    private static Process StartChild(Side side, int connections)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // Under `dotnet run` this is the apphost; under `dotnet NetComm.Benchmarks.dll` it is dotnet itself.
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell this process's executable.");
        info.FileName = host;
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(IdleMemory).Assembly.Location);
        }

        info.ArgumentList.Add(ChildCommand);
        info.ArgumentList.Add(side == Side.NetComm ? "netcomm" : "baseline");
        info.ArgumentList.Add(connections.ToString(CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the idle-server child process.");
    }

    private static string[] ReadReply(Process child, string expected)
    {
        var read = child.StandardOutput.ReadLineAsync();
        if (!read.Wait(TimeSpan.FromSeconds(60)) || read.Result is null)
        {
            throw new InvalidOperationException($"The idle-server child did not answer '{expected}'.");
        }

        var words = read.Result.Split(' ');
        if (words[0] != expected)
        {
            throw new InvalidOperationException($"The idle-server child answered '{read.Result}' instead of '{expected}'.");
        }

        return words;
    }

    /// <summary>Child side: <c>idle-server netcomm|baseline COUNT</c>. Talks over stdin/stdout.</summary>
    public static int RunChild(string[] args)
    {
        if (args.Length != 2 || args[0] is not ("netcomm" or "baseline"))
        {
            Console.Error.WriteLine($"usage: {ChildCommand} netcomm|baseline COUNT");
            return 2;
        }

        var side = args[0] == "netcomm" ? Side.NetComm : Side.Baseline;
        var connections = int.Parse(args[1], CultureInfo.InvariantCulture);
        ResourceLimits.RaiseFileLimit();

        // Warm up on a throwaway server: JIT the paths, start the pool; its threads and sockets go away with it.
        using (var warm = BenchServers.Start(side, ServerMode.Echo))
        {
            TcpLoad.EchoRate(warm, 8, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        }

        using var server = BenchServers.Start(side, ServerMode.Echo);
        Thread.Sleep(100);
        Measure.CollectGarbage();
        var before = Measure.ResidentKiB();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {server.EndPoint.Port}"));
        if (Console.ReadLine() != "measure")
        {
            return 1;
        }

        if (!Measure.WaitUntil(() => server.Entered >= connections, TimeSpan.FromSeconds(60)))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error only {server.Entered} of {connections} handlers started"));
            return 1;
        }

        // Let the last handlers reach their blocking read.
        Thread.Sleep(300);
        Measure.CollectGarbage();
        var after = Measure.ResidentKiB();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rss {before} {after} {server.Active}"));

        // Stay up until the parent is done with the clients.
        Console.ReadLine();
        return 0;
    }
}
