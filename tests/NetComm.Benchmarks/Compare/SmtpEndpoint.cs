namespace NetComm.Benchmarks.Compare;

/// <summary>
/// Where a benchmark sender connects, and how: Postfix's submission port (STARTTLS trusting the interop CA, then
/// AUTH) when <paramref name="Secured"/> is set, otherwise plain text without AUTH (a sink).
/// </summary>
/// <param name="Mechanism">The SASL mechanism to force; null lets each client pick its strongest.</param>
/// <param name="TrustCaFile">
/// NetComm trusts the interop CA the way its users would (TrustedRoots from the PEM file, built-in checks kept)
/// rather than through the replacing callback both .NET clients share in the MailKit lines.
/// </param>
internal sealed record SmtpEndpoint(string Host, int Port, SmtpTarget? Secured, string? Mechanism = null, bool TrustCaFile = false)
{
    public static SmtpEndpoint Submission(SmtpTarget target, string? mechanism = null, bool trustCaFile = false)
        => new(target.Host, target.Port, target, mechanism, trustCaFile);

    public static SmtpEndpoint Plain(string host, int port) => new(host, port, Secured: null);
}
