using System.Text.RegularExpressions;

namespace NetComm.Tests.Architecture;

/// <summary>
/// The layers of the library, enforced on its source: with implicit usings off, every file names what it uses,
/// so a file's <c>using</c> lines and any fully qualified names show which layer it reaches into.
/// </summary>
[TestFixture]
public class LayeringTests
{
    private static readonly string s_root = FindRepositoryRoot();

    /// <summary>The public client facades, where MimeKit types meet the user; everything else speaks streams.</summary>
    private static readonly string[] s_mimeFacades =
    [
        "Smtp/ISmtpClient.cs",
        "Smtp/SmtpClient.cs",
        "Smtp/SmtpEnvelope.cs",
        "Smtp/SmtpBatchMessage.cs",
        "Smtp/ISmtpSender.cs",
        "Smtp/SmtpSender.cs",
        "Pop3/IPop3Client.cs",
        "Pop3/Pop3Client.Maildrop.cs",
        "Pop3/Pop3BatchException.cs",
    ];

    private static IEnumerable<TestCaseData> Rules()
    {
        yield return new TestCaseData("Transport", new[] { "NetComm.Mail", "NetComm.Smtp", "NetComm.Pop3", "NetComm.Mime", "MimeKit" }).SetName("Transport_uses_nothing_of_mail");
        yield return new TestCaseData("Mail", new[] { "NetComm.Smtp", "NetComm.Pop3", "MimeKit" }).SetName("Mail_core_knows_no_protocol_and_no_MIME");
        yield return new TestCaseData("Smtp", new[] { "NetComm.Pop3" }).SetName("Smtp_never_uses_Pop3");
        yield return new TestCaseData("Pop3", new[] { "NetComm.Smtp" }).SetName("Pop3_never_uses_Smtp");
        yield return new TestCaseData("Mime", new[] { "NetComm.Smtp", "NetComm.Pop3", "NetComm.Transport" }).SetName("Mime_knows_no_protocol");
        yield return new TestCaseData(Path.Combine("Smtp", "Protocol"), new[] { "NetComm.Mime", "MimeKit" }).SetName("Smtp_engine_sees_streams_not_MIME");
        yield return new TestCaseData(Path.Combine("Pop3", "Internal"), new[] { "NetComm.Mime", "MimeKit" }).SetName("Pop3_engine_sees_streams_not_MIME");
    }

    [TestCaseSource(nameof(Rules))]
    public void A_layer_does_not_reach_into_the_layers_it_must_not_know(string folder, string[] forbidden)
    {
        var offences = new List<string>();
        foreach (var file in SourceFiles(Path.Combine("src", "NetComm", folder)))
        {
            foreach (var name in forbidden)
            {
                if (References(file.Code, name))
                {
                    offences.Add($"{file.Relative} uses {name}");
                }
            }
        }

        Assert.That(offences, Is.Empty);
    }

    [Test]
    public void MimeKit_appears_only_in_Mime_and_the_public_client_facades()
    {
        var offences = SourceFiles(Path.Combine("src", "NetComm"))
            .Where(f => References(f.Code, "MimeKit"))
            .Select(f => f.Relative)
            .Where(path => !path.StartsWith("Mime/", StringComparison.Ordinal) && !s_mimeFacades.Contains(path))
            .ToList();

        Assert.That(offences, Is.Empty, "MimeKit belongs to Mime/ (message writer and reader) and the client facades");
    }

    [Test]
    public void Library_files_declare_their_own_usings()
    {
        Assert.That(File.ReadAllText(Path.Combine(s_root, "build", "Library.props")), Does.Contain("<ImplicitUsings>disable</ImplicitUsings>"));
        var globals = SourceFiles("src").Where(f => Regex.IsMatch(f.Code, @"^\s*global\s+using\b", RegexOptions.Multiline)).Select(f => f.Relative).ToList();
        Assert.That(globals, Is.Empty);
    }

    private static bool References(string code, string ns)
    {
        var escaped = Regex.Escape(ns);

        // A using directive, or a qualified name in code (comments and XML docs are stripped first).
        return Regex.IsMatch(code, $@"^\s*using\s+(static\s+)?(\w+\s*=\s*)?{escaped}(\.|;)", RegexOptions.Multiline)
            || Regex.IsMatch(code, $@"(?<![\w.]){escaped}\.\w", RegexOptions.Multiline);
    }

    private static IEnumerable<(string Relative, string Code)> SourceFiles(string folder)
    {
        var root = Path.Combine(s_root, folder);
        var layerRoot = Path.Combine(s_root, "src", "NetComm");
        foreach (var path in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            if (path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            var code = Regex.Replace(File.ReadAllText(path), @"//[^\n]*", "");
            yield return (Path.GetRelativePath(layerRoot, path).Replace('\\', '/'), code);
        }
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NetComm.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("NetComm.sln not found above the test directory.");
    }
}
