using NetComm.Fuzz.Targets;

namespace NetComm.Tests.Fuzz;

/// <summary>
/// Replays every checked-in fuzz input (the seed corpus and the inputs the fuzzer found) through the fuzz targets:
/// a crash or unbounded allocation the fuzzer once found stays fixed, and the seeds keep reaching the parsers.
/// </summary>
[TestFixture]
public class FuzzCorpusTests
{
    private static readonly string s_root = Path.Combine(FindRepositoryRoot(), "tests", "NetComm.Fuzz");

    private static IEnumerable<TestCaseData> Inputs()
    {
        foreach (var kind in new[] { "corpus", "found" })
        {
            foreach (var target in FuzzTargets.All.Keys)
            {
                var folder = Path.Combine(s_root, kind, target);
                if (!Directory.Exists(folder))
                {
                    continue;
                }

                foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
                {
                    yield return new TestCaseData(target, Path.GetRelativePath(s_root, file)).SetName($"{kind}_{target}_{Path.GetFileName(file)}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Inputs))]
    public void Input_is_handled_without_crash(string target, string file)
        => FuzzTargets.Run(target, File.ReadAllBytes(Path.Combine(s_root, file)));

    [Test]
    public void Every_target_has_seeds()
    {
        foreach (var target in FuzzTargets.All.Keys)
        {
            var folder = Path.Combine(s_root, "corpus", target);
            Assert.That(Directory.Exists(folder) && Directory.GetFiles(folder).Length > 0, Is.True, $"no seed inputs in {folder}");
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
