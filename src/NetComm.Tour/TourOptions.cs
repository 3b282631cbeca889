using System.Net;

namespace NetComm.Tour;

/// <summary>The tour's command line. With no arguments every step runs on loopback.</summary>
internal sealed class TourOptions
{
    public const string Usage = """
        usage: NetComm.Tour [--steps tcp,udp] [--tcp-host H --tcp-port P] [--udp-host H --udp-port P] [--timeout SECONDS]
          With no arguments, walks every step against servers it starts on 127.0.0.1.
          --tcp-host/--tcp-port   use a running greeting server instead of starting one
          --udp-host/--udp-port   use a running UDP greeting server instead of starting one
        """;

    private static readonly string[] s_allSteps = ["tcp", "udp"];

    public HashSet<string> Steps { get; } = new(s_allSteps, StringComparer.OrdinalIgnoreCase);

    public string? TcpHost { get; private set; }

    public int TcpPort { get; private set; }

    public string? UdpHost { get; private set; }

    public int UdpPort { get; private set; }

    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(60);

    public bool ShowHelp { get; private set; }

    public IReadOnlyList<string> Names { get; } = ["Michael", "Tracy", "Sarah"];

    public bool Runs(string step) => Steps.Contains(step);

    public static TourOptions Parse(string[] args)
    {
        var options = new TourOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "-h" or "--help":
                    options.ShowHelp = true;
                    break;
                case "--steps":
                    var steps = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var unknown = steps.Except(s_allSteps, StringComparer.OrdinalIgnoreCase).ToList();
                    if (unknown.Count > 0)
                    {
                        throw new ArgumentException($"unknown step(s): {string.Join(", ", unknown)}");
                    }

                    options.Steps.Clear();
                    options.Steps.UnionWith(steps);
                    break;
                case "--tcp-host":
                    options.TcpHost = Value();
                    break;
                case "--tcp-port":
                    options.TcpPort = ParsePort(Value());
                    break;
                case "--udp-host":
                    options.UdpHost = Value();
                    break;
                case "--udp-port":
                    options.UdpPort = ParsePort(Value());
                    break;
                case "--timeout":
                    options.Timeout = TimeSpan.FromSeconds(int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return options;
    }

    private static int ParsePort(string value)
        => int.TryParse(value, out var port) && port is > 0 and <= IPEndPoint.MaxPort
            ? port
            : throw new ArgumentException($"'{value}' is not a TCP/UDP port.");
}
