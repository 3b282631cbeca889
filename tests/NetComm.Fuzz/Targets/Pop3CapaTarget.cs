using NetComm.Pop3;

namespace NetComm.Fuzz.Targets;

/// <summary>
/// POP3 CAPA: after a fixed greeting (with an APOP timestamp), the input is the reply to CAPA and whatever
/// follows. Every capability is read, then the client logs in with the method the capabilities choose (SASL,
/// APOP or USER), which reads more replies from the input and, with CAPA, the capabilities again.
/// </summary>
internal static class Pop3CapaTarget
{
    private const string Opening = "+OK fuzz POP3 ready <1896.697170952@fuzz.test>\r\n";

    public static void Run(byte[] input)
    {
        using var client = FuzzSetup.ConnectPop3(FuzzSetup.After(Opening, input));
        Touch(client.Capabilities);
        client.Authenticate(FuzzSetup.Credentials);
        Touch(client.Capabilities);
    }

    private static void Touch(Pop3Capabilities? capabilities)
    {
        if (capabilities is null)
        {
            return;
        }

        _ = (capabilities.ToString(), capabilities.Sasl.Count, capabilities.User, capabilities.Top, capabilities.Uidl, capabilities.StartTls);
        _ = (capabilities.Pipelining, capabilities.ResponseCodes, capabilities.AuthResponseCode, capabilities.Utf8, capabilities.Implementation);
        _ = (capabilities.LoginDelay, capabilities.LoginDelayPerUser, capabilities.ExpireNever, capabilities.ExpireAfter, capabilities.ExpirePerUser);
    }
}
