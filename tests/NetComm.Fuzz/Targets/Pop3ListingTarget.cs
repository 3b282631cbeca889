using NetComm.Pop3;

namespace NetComm.Fuzz.Targets;

/// <summary>
/// POP3 STAT, LIST and UIDL: after a fixed opening (greeting, CAPA refused, USER/PASS accepted), the first
/// input byte picks the operation and the rest is what the server answers to it, repeated until the input ends.
/// </summary>
internal static class Pop3ListingTarget
{
    private const string Opening = "+OK fuzz\r\n-ERR no CAPA\r\n+OK user\r\n+OK pass\r\n";

    public static void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        using var client = FuzzSetup.ConnectPop3(FuzzSetup.After(Opening, input.AsSpan(1)));
        client.Authenticate(FuzzSetup.Credentials);
        while (true)
        {
            try
            {
                Operate(client, input[0] % 6);
            }
            catch (Pop3CommandException)
            {
                // A refusal keeps the session: the next reply is read as usual.
            }
        }
    }

    private static void Operate(Pop3Client client, int operation)
    {
        switch (operation)
        {
            case 0:
                foreach (var message in client.ListMessages())
                {
                    _ = (message.Number, message.Size, message.Uid);
                }

                break;
            case 1:
                _ = client.List().Count;
                break;
            case 2:
                _ = client.Uidl().Count;
                break;
            case 3:
                _ = client.Stat();
                break;
            case 4:
                _ = client.GetSize(1);
                break;
            default:
                _ = client.GetUid(1);
                break;
        }
    }
}
