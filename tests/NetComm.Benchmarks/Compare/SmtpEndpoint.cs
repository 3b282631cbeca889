namespace NetComm.Benchmarks.Compare;

/// <summary>
/// Where a benchmark sender connects, and how: Postfix's submission port (STARTTLS trusting the interop CA, then
/// AUTH) when <paramref name="Secured"/> is set, otherwise plain text without AUTH (a sink).
/// </summary>
/// <param name="Mechanism">The SASL mechanism to force; null lets each client pick its strongest.</param>
internal sealed record SmtpEndpoint(string Host, int Port, SmtpTarget? Secured, string? Mechanism = null)
{
    public static SmtpEndpoint Submission(SmtpTarget target, string? mechanism = null) => new(target.Host, target.Port, target, mechanism);

    public static SmtpEndpoint Plain(string host, int port) => new(host, port, Secured: null);
}
