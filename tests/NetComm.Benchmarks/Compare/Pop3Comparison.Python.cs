using System.Globalization;

namespace NetComm.Benchmarks.Compare;

/// <summary><c>pop3.retr-1000x10k-python</c>: the small-message download of Python's poplib (python/pop3_retr.py).</summary>
internal static partial class Pop3Comparison
{
    /// <summary>
    /// Plain POP3, the same 1,000 messages of the <c>bench</c> mailbox: poplib logs in with USER/PASS (untimed, like
    /// NetComm's login), then STAT, UIDL and one RETR after another, each message kept as its raw bytes.
    /// </summary>
    private static double SmallMessagesInPython(BenchServer server)
        => PythonPeer.Run(
            "pop3_retr.py",
            "--host", server.Host,
            "--port", server.Port.ToString(CultureInfo.InvariantCulture),
            "--user", server.Bench.UserName,
            "--password", server.Bench.Password!,
            "--expect", SmallCount.ToString(CultureInfo.InvariantCulture));
}
