using System.Globalization;
using System.Net;

namespace NetComm.Tour;

/// <summary>The command line of <c>serve</c> and <c>connect</c>.</summary>
internal sealed class TutorialCommandOptions
{
    public const string Usage = """
        usage: NetComm.Tour serve [--port 6666]
               NetComm.Tour connect [--host localhost] [--port 6666] [--timeout SECONDS]
          serve    runs the tutorial's TCP server (a thread per connection) and UDP server on the same
                   port of 127.0.0.1 until Ctrl+C or SIGTERM; --port 0 picks a free port and prints it.
          connect  runs the tutorial's TCP client, then its UDP client, against HOST port P.
          Both speak the tutorial's unframed protocol and print every payload sent and received.
        """;

    /// <summary>The tutorial's port, for TCP and UDP alike.</summary>
    public const int TutorialPort = 6666;

    public string Command { get; private init; } = "";

    /// <summary>The tutorial's client connects to 'localhost'; <c>serve</c> always binds 127.0.0.1.</summary>
    public string Host { get; private set; } = "localhost";

    public int Port { get; private set; } = TutorialPort;

    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(30);

    public bool ShowHelp { get; private set; }

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "serve" or "connect";

    public static TutorialCommandOptions Parse(string[] args)
    {
        var options = new TutorialCommandOptions { Command = args[0] };
        var serve = options.Command == "serve";
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "-h" or "--help":
                    options.ShowHelp = true;
                    break;
                case "--port":
                    var value = Value();
                    options.Port = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= IPEndPoint.MaxPort && (serve || port > 0)
                        ? port
                        : throw new ArgumentException($"'{value}' is not a port{(serve ? " (0 picks a free one)" : "")}.");
                    break;
                case "--host" when !serve:
                    options.Host = Value();
                    break;
                case "--timeout" when !serve:
                    var seconds = Value();
                    options.Timeout = int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0
                        ? TimeSpan.FromSeconds(s)
                        : throw new ArgumentException($"'{seconds}' is not a number of seconds.");
                    break;
                default:
                    throw new ArgumentException($"unknown option for {options.Command}: {args[i]}");
            }
        }

        return options;
    }
}
