using System.Text;

namespace NetComm.Tests.Pop3.Fixtures;

/// <summary>
/// A POP3 conversation to replay: what the server sends, and the commands the client must send before each
/// further piece of it. Used by <see cref="ScriptedPop3Stream"/>.
/// </summary>
public sealed class Pop3Script
{
    internal List<Step> Steps { get; } = [];

    /// <summary>Server lines, each followed by CRLF.</summary>
    public Pop3Script S(params string[] lines)
    {
        foreach (var line in lines)
        {
            Steps.Add(Step.Server(Encoding.UTF8.GetBytes(line + "\r\n")));
        }

        return this;
    }

    /// <summary>Server bytes exactly as given.</summary>
    public Pop3Script Raw(byte[] bytes)
    {
        Steps.Add(Step.Server(bytes));
        return this;
    }

    /// <summary>Server text exactly as given (no CRLF added).</summary>
    public Pop3Script Raw(string text) => Raw(Encoding.UTF8.GetBytes(text));

    /// <summary>The client must send exactly this line next.</summary>
    public Pop3Script C(string line)
    {
        Steps.Add(Step.Client(line, l => l == line));
        return this;
    }

    /// <summary>The client must send a line that <paramref name="match"/> accepts next.</summary>
    public Pop3Script C(string description, Func<string, bool> match)
    {
        Steps.Add(Step.Client(description, match));
        return this;
    }

    /// <summary>A greeting (with an APOP timestamp when given) and a CAPA reply with <paramref name="capabilities"/>.</summary>
    public static Pop3Script Greeting(string[] capabilities, string? apopTimestamp = null)
        => new Pop3Script()
            .S("+OK POP3 ready" + (apopTimestamp is null ? "" : " " + apopTimestamp))
            .C("CAPA").S("+OK capabilities follow").S(capabilities).S(".");

    /// <summary><see cref="Greeting"/>, then USER/PASS accepted and CAPA again.</summary>
    public static Pop3Script LoggedIn(params string[] capabilities)
    {
        var caps = capabilities.Length == 0 ? ["USER", "UIDL", "TOP"] : capabilities;
        return Greeting(caps)
            .C("USER alice").S("+OK")
            .C("PASS secret").S("+OK maildrop locked")
            .C("CAPA").S("+OK").S(caps).S(".");
    }

    internal sealed record Step(bool IsClient, string Description, Func<string, bool>? Match, byte[]? Bytes)
    {
        public static Step Server(byte[] bytes) => new(false, "", null, bytes);

        public static Step Client(string description, Func<string, bool> match) => new(true, description, match, null);
    }
}
