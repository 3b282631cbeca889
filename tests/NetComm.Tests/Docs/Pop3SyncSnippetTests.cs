namespace NetComm.Tests.Docs;

/// <summary>docs/pop3.md "Syncing a mailbox" runs as printed, and does what its comments say.</summary>
[TestFixture]
[NonParallelizable]
public class Pop3SyncSnippetTests
{
    [Test]
    public void The_sync_snippet_saves_the_new_message_once_and_the_second_sync_finds_nothing_new()
    {
        var original = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            Pop3SyncDocSnippets.SyncAsync().GetAwaiter().GetResult();
        }
        finally
        {
            Console.SetOut(original);
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("1 new, 0 already seen, 0 deleted"));
        Assert.That(lines[1], Is.EqualTo("0 new, 1 already seen"));
        var inbox = lines[2]["inbox: ".Length..];
        try
        {
            var saved = Directory.GetFiles(inbox, "*.eml").Single();
            Assert.That(File.ReadAllText(saved), Does.Contain("Subject: order 1").And.Contain("please ship"));
            Assert.That(Directory.GetFiles(inbox, "*.part"), Is.Empty);
            Assert.That(File.ReadAllLines(Path.Combine(inbox, "alice.uids")), Has.Length.EqualTo(2), "the header and one id");
        }
        finally
        {
            Directory.Delete(inbox, recursive: true);
        }
    }
}
