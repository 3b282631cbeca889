using System;
using System.IO;
using System.Threading;
using Microsoft.Extensions.Logging;
using NetComm.Transport;

namespace NetComm.Testing.Internal;

/// <summary>What SMTP and POP3 sessions share: the channel, logging, violations, TLS.</summary>
internal abstract class MailSession
{
    private readonly CancellationToken _stopping;

    protected MailSession(TestMailServer server, ITcpConnection connection, bool implicitTls, CancellationToken stopping)
    {
        Server = server;
        Connection = connection;
        ImplicitTls = implicitTls;
        _stopping = stopping;
        Options = server.Options;
        Faults = server.Faults;
        Logger = server.Logger;
        Channel = new SessionChannel(connection, Options.MaxLineLength, () => Faults.ReplyDelay, stopping);
    }

    protected TestMailServer Server { get; }

    protected ITcpConnection Connection { get; }

    protected SessionChannel Channel { get; }

    protected TestMailServerOptions Options { get; }

    protected TestMailServerFaults Faults { get; }

    protected ILogger Logger { get; }

    protected bool ImplicitTls { get; }

    protected bool IsTls => Connection.IsTls;

    protected long Id => Connection.Id;

    protected abstract MailProtocol Protocol { get; }

    /// <summary>Runs the session on the connection's thread until the client leaves, a fault closes it, or the server stops.</summary>
    public void Run()
    {
        Log.SessionStarted(Logger, Protocol, Id, Connection.RemoteEndPoint, ImplicitTls);
        string reason;
        try
        {
            if (ImplicitTls)
            {
                Connection.UpgradeToTlsAsServer(Server.TlsOptions);
                Log.TlsStarted(Logger, Protocol, Id, Connection.TlsProtocol);
            }

            reason = Serve();
            Channel.Flush();
        }
        catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, was too slow, or the server is stopping: the session just ends.
            Log.SessionFailed(Logger, e, Protocol, Id);
            reason = _stopping.IsCancellationRequested ? "server stopping" : e.GetType().Name;
        }
        finally
        {
            End();
        }

        Log.SessionEnded(Logger, Protocol, Id, reason);
    }

    /// <summary>The command loop; returns why it ended.</summary>
    protected abstract string Serve();

    /// <summary>Cleanup that must happen however the session ends.</summary>
    protected virtual void End()
    {
    }

    /// <summary>Queues a reply line (sent at the next flush).</summary>
    protected void Send(string line)
    {
        if (Logger.IsEnabled(LogLevel.Trace))
        {
            Log.Reply(Logger, Protocol, Id, line);
        }

        Channel.Write(line);
    }

    /// <summary>Reads the next line, logging it (or ******** when <paramref name="secret"/>).</summary>
    protected LineStatus ReadLine(out string line, out LineFlags flags, out int length, bool secret = false)
    {
        var status = Channel.ReadLine(out line, out flags, out length);
        if (Logger.IsEnabled(LogLevel.Trace))
        {
            var shown = status switch
            {
                LineStatus.Line => secret ? "********" : Redact(line),
                LineStatus.TooLong => $"<line of {length} octets dropped>",
                _ => "<end of stream>",
            };
            Log.Command(Logger, Protocol, Id, shown);
        }

        return status;
    }

    /// <summary>How a command line appears in logs: credentials replaced.</summary>
    protected virtual string Redact(string line) => line;

    /// <summary>Records a violation; returns true when strict mode wants it rejected.</summary>
    protected bool Violation(ProtocolViolationKind kind, string detail)
    {
        Server.Record(new ProtocolViolation(Protocol, kind, detail, Id));
        return Options.StrictMode;
    }

    /// <summary>
    /// Switches to TLS after the "go ahead" reply. Bytes the client sent after its STARTTLS/STLS and before the
    /// handshake came in plaintext and may be injected: they are thrown away and recorded, never read as protected.
    /// </summary>
    protected void UpgradeToTls(string command)
    {
        Channel.Flush();
        var injected = Channel.DiscardInput();
        if (injected > 0)
        {
            Violation(ProtocolViolationKind.PlaintextAfterTlsUpgrade, $"{injected} octets sent after {command} before the TLS handshake were discarded");
        }

        Connection.UpgradeToTlsAsServer(Server.TlsOptions);
        Log.TlsStarted(Logger, Protocol, Id, Connection.TlsProtocol);
    }

    protected void LogFault(string action, string line)
    {
        if (Logger.IsEnabled(LogLevel.Information))
        {
            var shown = Redact(line);
            Log.Fault(Logger, Protocol, Id, action, shown);
        }
    }

    protected static string VerbOf(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return (space < 0 ? line : line[..space]).ToUpperInvariant();
    }

    protected static string ArgumentOf(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? string.Empty : line[(space + 1)..];
    }
}
