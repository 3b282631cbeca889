using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetComm.Mail;
using NetComm.Pop3;

namespace NetComm.InteropTests.Pop3;

/// <summary>
/// The Dovecot that build/interop.sh started: ports, CA, users and the manifests of their maildirs, read from the
/// NETCOMM_INTEROP_* variables or, when unset, from artifacts/interop/interop.env. Missing servers fail the tests (CI starts them).
/// </summary>
public static class DovecotEnvironment
{
    public static string Get(string name) => Support.InteropEnvironment.Get(name);

    public static int Pop3Port => int.Parse(Get("POP3_PORT"), CultureInfo.InvariantCulture);

    public static int Pop3sPort => int.Parse(Get("POP3S_PORT"), CultureInfo.InvariantCulture);

    public static MailCredentials Credentials(string user) => new(Get(user.ToUpperInvariant() + "_USER"), Get(user.ToUpperInvariant() + "_PASS"));

    /// <summary>Options for Dovecot in <paramref name="mode"/>: the right port, the test CA trusted (host name still checked).</summary>
    public static Pop3ClientOptions Options(TlsMode mode, Action<Pop3ClientOptions>? configure = null)
    {
        var options = new Pop3ClientOptions
        {
            Host = mode is TlsMode.None ? Get("HOST") : Get("TLS_HOST"),
            Port = mode == TlsMode.ImplicitTls ? Pop3sPort : Pop3Port,
            TlsMode = mode,
            AllowPlaintextAuthentication = mode is TlsMode.None,
            CommandTimeout = TimeSpan.FromSeconds(30),
        };
        options.Tls = Support.InteropEnvironment.Tls;
        configure?.Invoke(options);
        return options;
    }

    /// <summary>The messages of a mailbox, in POP3 order, as build/interop/make_mail.py describes them.</summary>
    public static IReadOnlyList<ManifestEntry> Manifest(string user)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Get("MAIL_SRC_DIR"), user, "manifest.json")));
        return json.RootElement.GetProperty("messages").EnumerateArray().Select(m => new ManifestEntry(
            m.GetProperty("index").GetInt32(),
            m.GetProperty("uidl").GetString()!,
            m.GetProperty("octets").GetInt64(),
            m.GetProperty("sha256").GetString()!,
            m.GetProperty("subject").GetString())).ToArray();
    }

    /// <summary>Rebuilds mailboxes after a test deleted messages for real.</summary>
    public static void ResetMail(params string[] users)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Get("SCRIPT"));
        start.ArgumentList.Add("reset-mail");
        foreach (var user in users)
        {
            start.ArgumentList.Add(user);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(60_000), Is.True, "reset-mail finished");
        Assert.That(process.ExitCode, Is.Zero, () => "reset-mail failed: " + errors.Result);
    }
}

/// <summary>One message of a mailbox manifest: POP3 number, UIDL, size, SHA-256 of the RETR content, decoded subject.</summary>
public sealed record ManifestEntry(int Number, string Uid, long Octets, string Sha256, string? Subject);
