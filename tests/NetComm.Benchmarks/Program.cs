using BenchmarkDotNet.Running;
using NetComm.Benchmarks.Compare;

namespace NetComm.Benchmarks;

/// <summary>
/// <c>bdn [BenchmarkDotNet args]</c>: the micro-benchmarks (BenchmarkSwitcher over this assembly).
/// <c>compare tcp|udp|all [--quick]</c>: NetComm side by side with raw async sockets (see docs/performance.md).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "bdn":
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
                return 0;
            case "compare":
                return CompareCommand.Run(args[1..]);
            case IdleMemory.ChildCommand:
                return IdleMemory.RunChild(args[1..]);
            case TcpAttack.ChildCommand:
                return TcpAttack.RunChild(args[1..]);
            default:
                Console.Error.WriteLine("usage: NetComm.Benchmarks bdn [--filter '*' ...] | compare tcp|udp|all|smtp|pop3|pop3-sync|tcp-attack [--quick]");
                return 2;
        }
    }
}
