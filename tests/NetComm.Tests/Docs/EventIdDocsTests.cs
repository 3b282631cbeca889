using System.Reflection;
using NetComm.Diagnostics;
using NetComm.Testing;

namespace NetComm.Tests.Docs;

/// <summary>docs/ lists every log event id with its name, so an operator can look up any line of a log.</summary>
[TestFixture]
public class EventIdDocsTests
{
    private static IEnumerable<FieldInfo> EventIds()
        => typeof(NetCommEventIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Concat(typeof(TestMailServerEventIds).GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(int));

    [TestCaseSource(nameof(EventIds))]
    public void Every_event_id_is_documented_with_its_name(FieldInfo field)
    {
        var docs = Directory.GetFiles(Path.Combine(RepoRoot(), "docs"), "*.md").Select(File.ReadAllText).ToList();
        var id = ((int)field.GetRawConstantValue()!).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(docs.Any(text => text.Contains($"| {id} |", StringComparison.Ordinal) && text.Contains(field.Name, StringComparison.Ordinal)),
            $"no docs/*.md table row for {field.DeclaringType!.Name}.{field.Name} = {id}");
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NetComm.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("NetComm.sln not found above the test assembly.");
    }
}
