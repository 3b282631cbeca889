using NetComm.Internal;
using NetComm.Pop3;
using NetComm.Tests.Support;
using NetComm.Transport;

namespace NetComm.Tests.Pop3.Fixtures;

/// <summary>Which half of the API a test drives: every engine test runs through both.</summary>
public enum IoMode
{
    Sync,
    Async,
}

/// <summary>Calls the sync or the async form of an operation, so one test body covers both.</summary>
public static class Io
{
    public static async Task<T> Call<T>(IoMode mode, Func<T> sync, Func<Task<T>> async)
        => mode == IoMode.Sync ? sync() : await async();

    public static async Task Call(IoMode mode, Action sync, Func<Task> async)
    {
        if (mode == IoMode.Sync)
        {
            sync();
        }
        else
        {
            await async();
        }
    }

    /// <summary>Options for a scripted session: no TLS, plaintext login allowed, generous timeouts.</summary>
    public static Pop3ClientOptions ScriptOptions(Action<Pop3ClientOptions>? configure = null)
    {
        var options = new Pop3ClientOptions
        {
            Host = "pop.test",
            TlsMode = NetComm.Mail.TlsMode.None,
            AllowPlaintextAuthentication = true,
            CommandTimeout = Timeouts.Wait,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A client whose session runs over <paramref name="stream"/> (greeting and CAPA read).</summary>
    public static async Task<Pop3Client> Open(IoMode mode, Stream stream, Pop3ClientOptions? options = null)
    {
        var client = new Pop3Client(options ?? ScriptOptions());
        var tcp = new TcpConnection(stream);
        if (mode == IoMode.Sync)
        {
            client.ConnectAsync<SyncIo>(tcp, default).Complete();
        }
        else
        {
            await client.ConnectAsync<AsyncIo>(tcp, default);
        }

        return client;
    }

    /// <summary>A client logged in with USER alice / PASS secret over <paramref name="stream"/>.</summary>
    public static async Task<Pop3Client> LoggedIn(IoMode mode, Stream stream, Pop3ClientOptions? options = null)
    {
        var client = await Open(mode, stream, options);
        var credentials = new NetComm.Mail.MailCredentials("alice", "secret");
        await Call(mode, () => client.Authenticate(credentials), () => client.AuthenticateAsync(credentials));
        return client;
    }
}
