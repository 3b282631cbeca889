using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Internal;

namespace NetComm.Mail.Internal;

/// <summary>
/// The one runner of every public operation of both mail clients. It holds the explicit session state and
/// applies the rules SMTP and POP3 share:
/// <list type="bullet">
/// <item>one operation at a time: a second concurrent call fails at once and leaves the first alone;</item>
/// <item>state and argument checks come before any I/O, and a caller mistake never closes the session;</item>
/// <item>a refusal (<see cref="MailCommandException"/>) keeps the session unless it says it ended it; so does any failure (a cancellation,
/// a caller's callback) raised before a byte crossed the wire, or carried out in step by
/// <see cref="SessionIntactException"/>;</item>
/// <item>anything else (timeout, protocol error, lost connection, cancellation mid-conversation) breaks it:
/// the connection is closed, the state becomes <see cref="MailSessionState.Broken"/>, and transport failures
/// surface as <see cref="MailProtocolException"/>.</item>
/// </list>
/// </summary>
internal sealed class MailSessionGate(MailProtocol protocol, MailClientOptions options, Func<MailConnection?> connection, Action<Exception?> breakSession)
{
    private int _busy;
    private int _preparing;
    private int _state = (int)MailSessionState.Disconnected;

    public MailSessionState State => (MailSessionState)Volatile.Read(ref _state);

    public MailProtocol Protocol => protocol;

    /// <summary>Whether a connection is open (any state but disconnected or broken).</summary>
    public bool IsOpen => State is not (MailSessionState.Disconnected or MailSessionState.Broken);

    /// <summary>Records the state the engine has reached.</summary>
    public void MoveTo(MailSessionState state) => Volatile.Write(ref _state, (int)state);

    /// <summary>Runs a blocking operation. The caller's token closes the socket, the only way to interrupt a blocked read.</summary>
    public T Run<T>(Need need, Action? checkArguments, Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        Enter(need, checkArguments, cancellationToken);
        var wireBefore = connection()?.WireBytes ?? 0;
        try
        {
            using var registration = cancellationToken.CanBeCanceled ? cancellationToken.Register(static (gate, token) => ((MailSessionGate)gate!).CancelBlocking(token), this) : default;
            return operation(cancellationToken).Complete();
        }
        catch (Exception e)
        {
            var outcome = Outcome(e, wireBefore, need);
            cancellationToken.ThrowIfCancellationRequested();
            outcome.Throw();
            throw;
        }
        finally
        {
            Volatile.Write(ref _preparing, 0);
            Exit();
        }
    }

    /// <summary>Runs an asynchronous operation.</summary>
    public async Task<T> RunAsync<T>(Need need, Action? checkArguments, Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        Enter(need, checkArguments, cancellationToken);
        var wireBefore = connection()?.WireBytes ?? 0;
        try
        {
            return await operation(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Outcome(e, wireBefore, need).Throw();
            throw;
        }
        finally
        {
            Exit();
        }
    }

    public void Run(Need need, Action? checkArguments, Func<CancellationToken, ValueTask> operation, CancellationToken cancellationToken)
        => Run(need, checkArguments, async t =>
        {
            await operation(t).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task RunAsync(Need need, Action? checkArguments, Func<CancellationToken, ValueTask> operation, CancellationToken cancellationToken)
        => RunAsync(need, checkArguments, async t =>
        {
            await operation(t).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Marks the start of work that touches no socket (measuring a message before its envelope goes out): a blocking
    /// caller's cancellation then interrupts nothing and costs nothing; the work observes the token itself.
    /// </summary>
    public void BeginPreparation() => Interlocked.Exchange(ref _preparing, 1);

    /// <summary>
    /// Ends <see cref="BeginPreparation"/>. The caller checks its token right after, before any I/O: the exchange is a
    /// full fence, so either the cancellation callback saw the preparation (and left the socket alone) and that check
    /// sees the cancellation, or the callback runs after it and breaks the session.
    /// </summary>
    public void EndPreparation() => Interlocked.Exchange(ref _preparing, 0);

    /// <summary>A blocking call can only be interrupted by closing its socket; during preparation there is none to interrupt.</summary>
    private void CancelBlocking(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _preparing) == 0)
        {
            breakSession(new OperationCanceledException(cancellationToken));
        }
    }

    /// <summary>Takes the gate for a closing step that must not run beside another operation (dispose); false when busy.</summary>
    public bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _busy, 0);

    private void Enter(Need need, Action? checkArguments, CancellationToken cancellationToken)
    {
        if (!TryEnter())
        {
            throw new InvalidOperationException(
                $"The {protocol} client is busy with another operation. A session runs one operation at a time; " +
                "use one client per concurrent caller.");
        }

        try
        {
            RequireState(need);
            checkArguments?.Invoke();
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch
        {
            Exit();
            throw;
        }
    }

    private void RequireState(Need need)
    {
        var state = State;
        var open = IsOpen;
        var problem = need switch
        {
            Need.Closed when open => "is already connected; disconnect first",
            Need.Open or Need.Unauthenticated or Need.Authenticated when !open => state == MailSessionState.Broken
                ? "lost its connection after an earlier failure; call Connect again"
                : "is not connected; call Connect first",
            Need.Unauthenticated when state == MailSessionState.Authenticated => "is already authenticated",
            Need.Authenticated when state != MailSessionState.Authenticated => "has not logged in; call Authenticate first",
            _ => null,
        };
        if (problem is not null)
        {
            throw new InvalidOperationException($"The {protocol} client {problem}.");
        }
    }

    /// <summary>Decides the outcome of a failed operation: breaks the session unless the failure keeps it, and says what to throw.</summary>
    private ExceptionDispatchInfo Outcome(Exception e, long wireBefore, Need need)
    {
        // A connect that did not finish has no session to keep, whatever stopped it: nothing half-open is left behind.
        var touchedWire = (connection()?.WireBytes ?? wireBefore) != wireBefore;
        if (need != Need.Closed && KeepsSession(e, touchedWire))
        {
            return e is SessionIntactException intact ? intact.Inner : ExceptionDispatchInfo.Capture(e);
        }

        breakSession(e);
        return ExceptionDispatchInfo.Capture(MailConnection.Translate(e, protocol, options.Host));
    }

    private static bool KeepsSession(Exception e, bool touchedWire) => e switch
    {
        SessionIntactException => true,
        MailCommandException refusal => !refusal.EndsSession,
        ArgumentException or InvalidOperationException or OperationCanceledException => !touchedWire,
        _ => false,
    };

    /// <summary>The state an operation needs.</summary>
    public enum Need
    {
        /// <summary>Any state (Disconnect, which does nothing when there is no connection).</summary>
        Any,

        /// <summary>No open connection (Connect).</summary>
        Closed,

        /// <summary>An open connection in any state (Noop, Disconnect, SMTP Send).</summary>
        Open,

        /// <summary>Open and not yet logged in (Authenticate).</summary>
        Unauthenticated,

        /// <summary>Logged in (POP3's transaction commands).</summary>
        Authenticated,
    }
}
