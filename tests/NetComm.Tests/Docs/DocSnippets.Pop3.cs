using NetComm.Mail;
using NetComm.Mime;
using NetComm.Pop3;

namespace NetComm.Tests.Docs;

/// <summary>
/// The C# snippets of docs/pop3.md, under the same rule as <see cref="DocSnippets"/>: compiled here, so the
/// page cannot drift from the API. They talk to a real mailbox, so they are compiled, not run; the same calls
/// run against Dovecot in the interop suite.
/// </summary>
public static class Pop3DocSnippets
{
    public static async Task TutorialFlowAsync(string password)
    {
        // snippet: docs/pop3.md#tutorial-flow
        await using var pop3 = new Pop3Client(new Pop3ClientOptions
        {
            Host = "outlook.office365.com",          // port 0 = 995, implicit TLS
            Transcript = Console.Out,                 // like set_debuglevel(1); passwords show as ********
        });

        await pop3.ConnectAsync();
        Console.WriteLine(pop3.Greeting);            // getwelcome()

        await pop3.AuthenticateAsync(new MailCredentials("aurelius-shu@outlook.com", password));

        var stat = await pop3.StatAsync();            // stat()
        Console.WriteLine($"Messages: {stat.Count}. Size: {stat.TotalSize}");

        var list = await pop3.ListAsync();            // list(): [(1, 82923), (2, 2184), ...]
        foreach (var entry in list)
        {
            Console.WriteLine($"{entry.Number} {entry.Size}");
        }

        var newest = list[^1].Number;                 // numbers start at 1, as in the protocol
        var message = await pop3.RetrieveAsync(newest);   // retr(): a parsed MimeKit MimeMessage
        Console.WriteLine(MessageOutline.Create(message)); // print_info(msg)

        await pop3.DeleteAsync(newest);               // dele(): only marks it
        await pop3.CommitAsync();                     // quit(): QUIT, now it is deleted
    }

    public static async Task DeletionsAsync(IPop3Client pop3)
    {
        // snippet: docs/pop3.md#deletions
        await pop3.DeleteAsync([3, 4, 5]);     // marks; pipelined
        Console.WriteLine(string.Join(",", pop3.PendingDeletions));
        await pop3.ResetAsync();               // RSET: unmark everything, stay connected
        await pop3.DeleteAsync(3);
        await pop3.CommitAsync();              // QUIT: the server deletes message 3 now
    }

    public static async Task StreamingAsync(IPop3Client pop3)
    {
        // snippet: docs/pop3.md#streaming
        await using var file = File.Create("message.eml");
        var progress = new Progress<TransferProgress>(p => Console.Write($"\r{p.BytesTransferred}/{p.TotalBytes}"));
        long bytes = await pop3.CopyMessageToAsync(1, file, progress);   // TotalBytes = the size LIST reported
        Console.WriteLine(bytes);
    }

    public static async Task NewMessagesAsync(IPop3Client pop3, HashSet<string> seen)
    {
        // snippet: docs/pop3.md#new-messages
        var infos = await pop3.ListMessagesAsync();            // STAT + LIST + UIDL in one round trip
        var fresh = infos.Where(i => !seen.Contains(i.Uid!)).Select(i => i.Number);
        var saved = await pop3.RetrieveEachAsync(fresh, async (number, content, ct) =>
        {
            await using var file = File.Create($"{infos[number - 1].Uid}.eml");
            await content.CopyToAsync(file, ct);
        });
        foreach (var refused in saved.Failures)
        {
            Console.WriteLine($"message {refused.MessageNumber}: {refused.ServerReply}");
        }
    }

    public static async Task BatchAsync(IPop3Client pop3)
    {
        // snippet: docs/pop3.md#batch
        var batch = await pop3.RetrieveAsync([1, 2, 3]);      // RETR 1, 2 and 3, pipelined
        foreach (var item in batch.Items)
        {
            Console.WriteLine(item.Succeeded ? $"{item.Number}: {item.Value!.Subject}" : $"{item.Number}: {item.Error!.ServerReply}");
        }

        var messages = batch.EnsureAllSucceeded().Values;    // or Pop3BatchException, listing the refusals
        Console.WriteLine(messages.Count);
    }
}
