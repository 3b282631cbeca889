using System;
using System.IO;
using System.Linq;
using NetComm.Fuzz.Targets;
using SharpFuzz;

namespace NetComm.Fuzz;

/// <summary>
/// <c>NetComm.Fuzz TARGET</c>: under afl-fuzz (build/fuzz.sh), runs TARGET on each input afl sends; an exception
/// that escapes is a crash. <c>NetComm.Fuzz TARGET FILE|DIR...</c>: runs the given inputs once each and says
/// what each did, for triage without afl.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !FuzzTargets.All.ContainsKey(args[0]))
        {
            Console.Error.WriteLine($"usage: NetComm.Fuzz TARGET [FILE|DIR...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
            return 2;
        }

        var target = args[0];
        if (args.Length == 1)
        {
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                FuzzTargets.Run(target, buffer.ToArray());
            });
            return 0;
        }

        var failed = 0;
        foreach (var file in args.Skip(1).SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal).ToArray() : new[] { p }))
        {
            try
            {
                FuzzTargets.Run(target, File.ReadAllBytes(file));
                Console.WriteLine($"ok     {file}");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"FAILED {file}: {e}");
            }
        }

        return failed == 0 ? 0 : 1;
    }
}
