using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using NetComm.Mail;

namespace NetComm.InteropTests.Support;

/// <summary>
/// Where build/interop.sh put the real servers: read from NETCOMM_INTEROP_* variables, or from
/// artifacts/interop/interop.env. A missing server is a failure, not a skip: CI starts them.
/// </summary>
public static class InteropEnvironment
{
    private static readonly Lazy<Dictionary<string, string>> s_values = new(Load);

    public static string Get(string name)
    {
        var key = "NETCOMM_INTEROP_" + name;
        return Environment.GetEnvironmentVariable(key) is { Length: > 0 } value ? value
            : s_values.Value.TryGetValue(key, out var fromFile) ? fromFile
            : throw new AssertionException($"{key} is not set: start the servers with 'bash build/interop.sh start' (CI does).");
    }

    public static int Port(string name) => int.Parse(Get(name + "_PORT"), CultureInfo.InvariantCulture);

    public static string TlsHost => Get("TLS_HOST");

    /// <summary>Trusts exactly the CA that build/interop.sh generated, and still checks the host name.</summary>
    public static CertificatePolicy Certificates
    {
        get
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(Get("CA_CERT"));
            return new CertificatePolicy
            {
                Validation = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            };
        }
    }

    private static Dictionary<string, string> Load()
    {
        var values = new Dictionary<string, string>();
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NetComm.sln")))
        {
            directory = directory.Parent;
        }

        var file = directory is null ? null : Path.Combine(directory.FullName, "artifacts", "interop", "interop.env");
        if (file is null || !File.Exists(file))
        {
            return values;
        }

        foreach (var line in File.ReadLines(file))
        {
            var text = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line;
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[text[..eq]] = text[(eq + 1)..].Trim('"', '\'');
            }
        }

        return values;
    }
}
