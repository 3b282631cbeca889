using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using NetComm.Mail;
using NetComm.Transport;

namespace NetComm.InteropTests.Support;

/// <summary>
/// Where build/interop.sh put the real servers: read from NETCOMM_INTEROP_* variables, or from
/// artifacts/interop/interop.env. Without them the tests are skipped, naming the command that starts the servers,
/// so a plain <c>dotnet test NetComm.sln</c> passes on a fresh machine; .ci/run starts them and fails on any skip.
/// </summary>
public static class InteropEnvironment
{
    private static readonly Lazy<Dictionary<string, string>> s_values = new(NetComm.Shared.InteropEnvFile.Load);

    public static string Get(string name)
    {
        var key = "NETCOMM_INTEROP_" + name;
        if (!s_values.Value.TryGetValue(key, out var value))
        {
            Assert.Ignore($"{key} is not set: start the real servers with 'bash build/interop.sh start' (.ci/run does), then run 'bash build/interop-test.sh'.");
        }

        return value!;
    }

    public static int Port(string name) => int.Parse(Get(name + "_PORT"), CultureInfo.InvariantCulture);

    public static string TlsHost => Get("TLS_HOST");

    /// <summary>Trusts exactly the CA that build/interop.sh generated (as a user would: its PEM file), and still checks the host name.</summary>
    public static TlsClientOptions Tls
    {
        get
        {
            var tls = new TlsClientOptions();
            tls.AddTrustedRootsFromPemFile(Get("CA_CERT"));
            return tls;
        }
    }
}
