using System.Diagnostics;

namespace NetComm.Smtp.Sending;

/// <summary>One connected (and logged-in) client of the pool, used by one message at a time.</summary>
internal sealed class PooledSession(ISmtpClient client, long id)
{
    public ISmtpClient Client => client;

    public long Id => id;

    /// <summary>Transactions begun on this session, whatever their outcome: what a server's per-connection limit counts.</summary>
    public int Messages { get; set; }

    /// <summary>When it last went back to the pool (a <see cref="Stopwatch"/> timestamp).</summary>
    public long IdleSince { get; set; }

    public bool IsUsable => client.IsConnected;
}
