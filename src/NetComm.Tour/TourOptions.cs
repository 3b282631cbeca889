using System.Net;

namespace NetComm.Tour;

/// <summary>The tour's command line. With no arguments every step runs on loopback.</summary>
internal sealed class TourOptions
{
    public const string Usage = """
        usage: NetComm.Tour [--steps tcp,udp,mail] [--timeout SECONDS] [server options]
               NetComm.Tour serve [--port 6666]
               NetComm.Tour connect [--host localhost] [--port 6666] [--timeout SECONDS]
          With no arguments, walks every step against servers it starts on 127.0.0.1.
          serve / connect: the tutorial's TCP and UDP servers / clients alone (see 'serve --help').
          --tcp-host H --tcp-port P      use a running greeting server instead of starting one
          --udp-host H --udp-port P      use a running UDP greeting server instead of starting one
          --smtp-host H --smtp-port P --smtp-tls MODE   send through a real SMTP server
          --pop3-host H --pop3-port P --pop3-tls MODE   read from a real POP3 server
          --user NAME --from ADDRESS --to ADDRESS        account and addresses for the mail step
          MODE: Auto, ImplicitTls, StartTlsRequired, StartTlsWhenAvailable, None.
          The password for real servers comes from NETCOMM_TOUR_PASSWORD or a prompt, never an argument.
        """;

    private static readonly string[] s_allSteps = ["tcp", "udp", "mail"];

    public HashSet<string> Steps { get; } = new(s_allSteps, StringComparer.OrdinalIgnoreCase);

    public string? TcpHost { get; private set; }

    public int TcpPort { get; private set; }

    public string? UdpHost { get; private set; }

    public int UdpPort { get; private set; }

    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(60);

    public bool ShowHelp { get; private set; }

    public TourMailOptions Mail { get; } = new();

    public IReadOnlyList<string> Names { get; } = TutorialTcp.Names;

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
                case "--smtp-host":
                    options.Mail.SmtpHost = Value();
                    break;
                case "--smtp-port":
                    options.Mail.SmtpPort = ParsePort(Value());
                    break;
                case "--smtp-tls":
                    options.Mail.SmtpTls = ParseMode(Value());
                    break;
                case "--pop3-host":
                    options.Mail.Pop3Host = Value();
                    break;
                case "--pop3-port":
                    options.Mail.Pop3Port = ParsePort(Value());
                    break;
                case "--pop3-tls":
                    options.Mail.Pop3Tls = ParseMode(Value());
                    break;
                case "--user":
                    options.Mail.User = Value();
                    break;
                case "--from":
                    options.Mail.From = Value();
                    break;
                case "--to":
                    options.Mail.To = Value();
                    break;
                case "--password":
                    throw new ArgumentException($"passwords are not taken from the command line: set {TourMailOptions.PasswordVariable} or answer the prompt.");
                case "--timeout":
                    options.Timeout = TimeSpan.FromSeconds(int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return options;
    }

    private static NetComm.Mail.TlsMode ParseMode(string value)
        => Enum.TryParse<NetComm.Mail.TlsMode>(value, ignoreCase: true, out var mode)
            ? mode
            : throw new ArgumentException($"'{value}' is not a TLS mode ({string.Join(", ", Enum.GetNames<NetComm.Mail.TlsMode>())}).");

    private static int ParsePort(string value)
        => int.TryParse(value, out var port) && port is > 0 and <= IPEndPoint.MaxPort
            ? port
            : throw new ArgumentException($"'{value}' is not a TCP/UDP port.");
}
