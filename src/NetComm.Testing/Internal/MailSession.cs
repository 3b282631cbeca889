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
    private int _badRun;
    private bool _lineWasBad;

    protected MailSession(TestMailServer server, ITcpConnection connection, bool implicitTls, CancellationToken stopping)
    {
        Server = server;
        Connection = connection;
        ImplicitTls = implicitTls;
        _stopping = stopping;
        Options = server.Options;
        Faults = server.Faults;
        Logger = server.Logger;
        // Buffer lines up to the AUTH limit (RFC 4954); other commands over MaxLineLength are still refused (ReadLine).
        Channel = new SessionChannel(
            connection,
            Math.Max(Options.MaxLineLength, TestMailServerOptions.MaxAuthLineLength),
            () => Faults.ReplyDelay,
            Options.LineTimeout,
            Options.SessionTimeout,
            stopping);
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
        catch (SessionLimitException e)
        {
            reason = e.Message;
            Log.SessionLimitReached(Logger, Protocol, Id, reason);
            SayGoodbye(e.EnhancedCode, e.Reply);
        }
        catch (TimeoutException e) when (!_stopping.IsCancellationRequested)
        {
            // Too slow (a line, the session, a single read): say so, as a mail server does, then close.
            reason = "timeout: " + e.Message;
            Log.SessionLimitReached(Logger, Protocol, Id, reason);
            SayGoodbye("4.4.2", "Timeout, closing connection");
        }
        catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the server is stopping: the session just ends.
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

    /// <summary>The line sent before the server closes a session at a limit: 421 in SMTP, -ERR in POP3.</summary>
    protected abstract string ClosingReply(string enhancedCode, string text);

    /// <summary>Best effort: the client may be gone, or not reading.</summary>
    private void SayGoodbye(string enhancedCode, string text)
    {
        if (ImplicitTls && !IsTls)
        {
            // The TLS handshake itself timed out: plaintext would only be noise to a TLS client.
            return;
        }

        try
        {
            // Replies still queued (to the last bad command) go first, as they would have.
            Channel.Write(ClosingReply(enhancedCode, text));
            Channel.Flush();
        }
        catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // Nothing more to do: the connection closes either way.
        }
    }

    /// <summary>Queues a reply line (sent at the next flush).</summary>
    protected void Send(string line)
    {
        if (line.Length > 0 && line[0] is '2' or '3' or '+')
        {
            // A command that succeeded ends a run of bad ones.
            _badRun = 0;
            _lineWasBad = false;
        }

        if (Logger.IsEnabled(LogLevel.Trace))
        {
            Log.Reply(Logger, Protocol, Id, line);
        }

        Channel.Write(line);
    }

    /// <summary>Reads the next line, logging it (or ******** when <paramref name="secret"/>).</summary>
    protected LineStatus ReadLine(out string line, out LineFlags flags, out int length, bool secret = false)
    {
        if (_lineWasBad)
        {
            _lineWasBad = false;
            if (++_badRun >= Options.MaxBadCommands)
            {
                throw new SessionLimitException($"{_badRun} bad commands in a row", "4.7.0", "Too many errors, closing connection");
            }
        }

        var status = Channel.ReadLine(out line, out flags, out length);
        if (status == LineStatus.Line && length > Options.MaxLineLength && !secret && !VerbOf(line).Equals("AUTH", StringComparison.Ordinal))
        {
            // Only AUTH lines may run to MaxAuthLineLength.
            status = LineStatus.TooLong;
            line = string.Empty;
        }

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
        _lineWasBad = true;
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
