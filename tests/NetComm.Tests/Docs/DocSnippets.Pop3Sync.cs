using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Testing;

namespace NetComm.Tests.Docs;

/// <summary>The mailbox sync snippet of docs/pop3.md, compiled here and run by <see cref="Pop3SyncSnippetTests"/> against the in-process server.</summary>
public static class Pop3SyncDocSnippets
{
    public static async Task SyncAsync()
    {
        // snippet: docs/pop3.md#syncing-a-mailbox
        // A real server needs only its Host, Port and your credentials; an in-process one (NetComm.Testing) makes this run as is.
        await using var server = TestMailServer.Launch(o => o.AddUser("alice", "secret", "alice@example.test"));
        server.Mailbox("alice").Add("From: shop@example.test\r\nTo: alice@example.test\r\nSubject: order 1\r\n\r\nplease ship\r\n");
        var inbox = Directory.CreateTempSubdirectory("inbox-").FullName;

        var mailbox = new Pop3Mailbox(
            new Pop3ClientOptions { Host = server.Host, Port = server.Pop3Port, Tls = { TrustedRoots = { server.Certificate } } },
            new MailCredentials("alice", "secret"),
            new FileUidStore(Path.Combine(inbox, "alice.uids")),            // which ids were handed over; survives crashes
            new Pop3SyncOptions { Deletion = Pop3SyncDeletion.AfterAge, DeleteAfter = TimeSpan.FromDays(14) });

        var result = await mailbox.SyncAsync(async (message, ct) =>
        {
            // Keyed by the UID and renamed into place: if a crash hands this message over again, it lands on the same file.
            var path = Path.Combine(inbox, message.Uid + ".eml");
            await using (var part = File.Create(path + ".part"))
            {
                await message.Content.CopyToAsync(part, ct);
            }

            File.Move(path + ".part", path, overwrite: true);
        });
        Console.WriteLine($"{result.New} new, {result.AlreadySeen} already seen, {result.Deleted} deleted");
        foreach (var failure in result.Failures)
        {
            Console.WriteLine($"{failure.Uid}: {failure.Error.Message} (tried again next sync)");
        }

        var again = await mailbox.SyncAsync((message, ct) => ValueTask.CompletedTask);
        Console.WriteLine($"{again.New} new, {again.AlreadySeen} already seen");   // 0 new, 1 already seen

        // (not in the docs) what the run left behind, for the test
        Console.WriteLine($"inbox: {inbox}");
    }
}
