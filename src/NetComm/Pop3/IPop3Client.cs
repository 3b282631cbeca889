using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using NetComm.Mail;

namespace NetComm.Pop3;

/// <summary>
/// A POP3 client (RFC 1939 with CAPA, STLS, SASL, PIPELINING, UTF8): connect, log in, list, download and delete
/// messages. Every operation exists as a blocking call and as an <c>…Async</c> call; both run the same engine.
/// </summary>
/// <remarks>
/// <para><b>Message numbers</b> are 1-based, exactly as the protocol numbers them (the first message is 1, the last is
/// <see cref="Pop3Stat.Count"/>), and they are valid for the current session only; use <see cref="Uidl"/> for ids that
/// last across sessions. A message marked for deletion keeps its number, but the server refuses commands about it.</para>
/// <para><b>Deletions are explicit.</b> <see cref="Delete(int, CancellationToken)"/> only marks a message. The marks take effect when
/// <see cref="Commit"/> sends QUIT; <see cref="Abandon"/> (or <see cref="Reset"/>) drops them. What disposing does with
/// marks left pending is <see cref="Pop3ClientOptions.OnDisposeWithPendingDeletions"/> (by default: nothing is deleted).</para>
/// <para><b>Failures.</b> A refused command throws <see cref="Pop3CommandException"/> and the session goes on; a login
/// failure throws <see cref="MailAuthenticationException"/> (its inner <see cref="Pop3CommandException"/> holds the
/// response code). A broken conversation throws <see cref="MailProtocolException"/> (or <see cref="TimeoutException"/> for
/// our deadlines, <see cref="OperationCanceledException"/> for the caller's token) after closing the connection.</para>
/// <para><b>Batches</b> (several numbers) return a <see cref="Pop3BatchResult{T}"/> with one outcome per message, as SMTP
/// reports one outcome per recipient; single-message calls throw their refusal.</para>
/// <para>Not thread-safe: one operation at a time (a second concurrent call throws <see cref="InvalidOperationException"/>
/// and leaves the first alone). Caller mistakes (bad arguments, wrong state, a token cancelled before anything was
/// sent) throw before any I/O and keep the session.</para>
/// </remarks>
public interface IPop3Client : IDisposable, IAsyncDisposable
{
    /// <summary>Whether a session is open.</summary>
    bool IsConnected { get; }

    /// <summary>Where the session stands; <see cref="MailSessionState.Broken"/> after a failure closed the connection.</summary>
    MailSessionState State { get; }

    /// <summary>Whether the session has logged in.</summary>
    bool IsAuthenticated { get; }

    /// <summary>Whether the connection is encrypted (implicit TLS or STLS).</summary>
    bool IsTls { get; }

    /// <summary>The negotiated TLS version, or <see cref="SslProtocols.None"/>.</summary>
    SslProtocols TlsProtocol { get; }

    /// <summary>The negotiated cipher suite, or null without TLS.</summary>
    TlsCipherSuite? TlsCipherSuite { get; }

    /// <summary>Whether batches are pipelined (the server offers PIPELINING and <see cref="Pop3ClientOptions.UsePipelining"/> is on).</summary>
    bool IsPipelining { get; }

    /// <summary>Whether the session was switched to UTF-8 with the UTF8 command (RFC 6856).</summary>
    bool IsUtf8 { get; }

    /// <summary>The greeting (Python's <c>getwelcome()</c> is its <c>ToString()</c>), or null when not connected.</summary>
    Pop3Reply? Greeting { get; }

    /// <summary>The server's capabilities (read over TLS when TLS is used, and again after login), or null when not connected.</summary>
    Pop3Capabilities? Capabilities { get; }

    /// <summary>The login method that succeeded (a SASL name, <c>APOP</c> or <c>USER</c>), or null.</summary>
    string? AuthenticationMechanism { get; }

    /// <summary>Message numbers marked by DELE in this session and not yet committed or abandoned, in ascending order.</summary>
    IReadOnlyCollection<int> PendingDeletions { get; }

    /// <summary>Connects, reads the greeting and capabilities, and negotiates TLS as <see cref="MailClientOptions.TlsMode"/> says.</summary>
    void Connect(CancellationToken cancellationToken = default);

    /// <summary>Connects, reads the greeting and capabilities, and negotiates TLS as <see cref="MailClientOptions.TlsMode"/> says.</summary>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Logs in with <see cref="Pop3ClientOptions.AuthenticationMechanism"/>, or the strongest method offered. Without TLS it
    /// refuses (sending nothing secret) unless <see cref="MailClientOptions.AllowPlaintextAuthentication"/> is set. One
    /// method is tried, never a second one with the same password.
    /// </summary>
    /// <param name="credentials">A password (any method) or an OAuth 2.0 access token (XOAUTH2).</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    void Authenticate(MailCredentials credentials, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="Authenticate(MailCredentials, CancellationToken)"/>
    /// <param name="credentials">A password (any method) or an OAuth 2.0 access token (XOAUTH2).</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task AuthenticateAsync(MailCredentials credentials, CancellationToken cancellationToken = default);

    /// <summary>STAT: the number of messages and their total size.</summary>
    Pop3Stat Stat(CancellationToken cancellationToken = default);

    /// <summary>STAT: the number of messages and their total size.</summary>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<Pop3Stat> StatAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// LIST: every message's number and size (sent with STAT; if the two disagree on the count the listing cannot be
    /// trusted, and <see cref="MailProtocolException"/> is thrown after closing the connection).
    /// </summary>
    IReadOnlyList<Pop3ListEntry> List(CancellationToken cancellationToken = default);

    /// <inheritdoc cref="List"/>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<IReadOnlyList<Pop3ListEntry>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>LIST n: one message's size in octets.</summary>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    long GetSize(int number, CancellationToken cancellationToken = default);

    /// <summary>LIST n: one message's size in octets.</summary>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<long> GetSizeAsync(int number, CancellationToken cancellationToken = default);

    /// <summary>UIDL: every message's number and unique id (checked against STAT like <see cref="List"/>).</summary>
    IReadOnlyList<Pop3UidEntry> Uidl(CancellationToken cancellationToken = default);

    /// <inheritdoc cref="Uidl"/>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<IReadOnlyList<Pop3UidEntry>> UidlAsync(CancellationToken cancellationToken = default);

    /// <summary>UIDL n: one message's unique id.</summary>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    string GetUid(int number, CancellationToken cancellationToken = default);

    /// <summary>UIDL n: one message's unique id.</summary>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<string> GetUidAsync(int number, CancellationToken cancellationToken = default);

    /// <summary>
    /// STAT, LIST and UIDL in one round trip when pipelining: each message's number, size and unique id (null when
    /// the server refuses UIDL).
    /// </summary>
    IReadOnlyList<Pop3MessageInfo> ListMessages(CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ListMessages"/>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<IReadOnlyList<Pop3MessageInfo>> ListMessagesAsync(CancellationToken cancellationToken = default);

    /// <summary>TOP: the headers and the first <paramref name="bodyLines"/> lines of the body, parsed (0 for headers only).</summary>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="bodyLines">How many body lines the server should send.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    MimeMessage Top(int number, int bodyLines, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="Top"/>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="bodyLines">How many body lines the server should send.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<MimeMessage> TopAsync(int number, int bodyLines, CancellationToken cancellationToken = default);

    // Overloads on one name with an optional token, as the BCL does; nothing has shipped, so RS0026's binary-compatibility concern does not apply.
#pragma warning disable RS0026
    /// <summary>RETR: downloads one message, parsed by MimeKit as it arrives.</summary>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="progress">Receives bytes received out of the size LIST reports (LIST n is sent first when the size is not known yet).</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    MimeMessage Retrieve(int number, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="Retrieve(int, IProgress{TransferProgress}, CancellationToken)"/>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="progress">Receives bytes received out of the size LIST reports.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<MimeMessage> RetrieveAsync(int number, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// RETR for several messages, pipelined when the server allows, in the order given. A refused message does not
    /// stop the others: the result has one item per number, each with its message or its refusal
    /// (<see cref="Pop3BatchResult{T}.EnsureAllSucceeded"/> turns refusals into a <see cref="Pop3BatchException"/>).
    /// </summary>
    /// <param name="numbers">The message numbers, 1-based.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Pop3BatchResult<MimeMessage> Retrieve(IEnumerable<int> numbers, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="Retrieve(IEnumerable{int}, CancellationToken)"/>
    /// <param name="numbers">The message numbers, 1-based.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<Pop3BatchResult<MimeMessage>> RetrieveAsync(IEnumerable<int> numbers, CancellationToken cancellationToken = default);

#pragma warning restore RS0026

    /// <summary>Every message of the maildrop (LIST, then all RETRs pipelined), in message-number order.</summary>
    Pop3BatchResult<MimeMessage> GetMessages(CancellationToken cancellationToken = default);

    /// <inheritdoc cref="GetMessages"/>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<Pop3BatchResult<MimeMessage>> GetMessagesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// RETR into <paramref name="destination"/> as raw RFC 5322 bytes, dot-unstuffed on the fly: memory stays bounded
    /// by the connection's read buffer whatever the message size, and body lines have no length limit.
    /// </summary>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="destination">Where the message goes; written as it arrives, then flushed.</param>
    /// <param name="progress">Receives bytes received out of the size LIST reports.</param>
    /// <returns>The number of bytes written.</returns>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    long CopyMessageTo(int number, Stream destination, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="CopyMessageTo"/>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="destination">Where the message goes; written as it arrives, then flushed.</param>
    /// <param name="progress">Receives bytes received out of the size LIST reports.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<long> CopyMessageToAsync(int number, Stream destination, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// RETR for several messages (pipelined when allowed), handing each to <paramref name="onMessage"/> as a
    /// dot-unstuffed stream while it arrives, in bounded memory. What the callback leaves unread is skipped. If the
    /// callback throws, no further messages are requested and its exception is rethrown with the session still usable.
    /// The result has one item per number: the bytes received, or the refusal.
    /// </summary>
    /// <param name="numbers">The message numbers, 1-based.</param>
    /// <param name="onMessage">Called with the message number and its content; the stream is valid during the call only.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Pop3BatchResult<long> RetrieveEach(IEnumerable<int> numbers, Action<int, Stream> onMessage, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="RetrieveEach"/>
    /// <param name="numbers">The message numbers, 1-based.</param>
    /// <param name="onMessage">Called with the message number, its content and the operation's token; the stream is valid until the returned task completes.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<Pop3BatchResult<long>> RetrieveEachAsync(IEnumerable<int> numbers, Func<int, Stream, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken = default);

#pragma warning disable RS0026 // see above
    /// <summary>DELE: marks one message for deletion at <see cref="Commit"/>. Nothing is deleted yet.</summary>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    void Delete(int number, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="Delete(int, CancellationToken)"/>
    /// <param name="number">The message number, 1-based.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task DeleteAsync(int number, CancellationToken cancellationToken = default);

    /// <summary>DELE for several messages, pipelined when allowed; the result has one item per number (refused ones carry the refusal), the rest stay marked.</summary>
    /// <param name="numbers">The message numbers, 1-based.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Pop3BatchResult<int> Delete(IEnumerable<int> numbers, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="Delete(IEnumerable{int}, CancellationToken)"/>
    /// <param name="numbers">The message numbers, 1-based.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task<Pop3BatchResult<int>> DeleteAsync(IEnumerable<int> numbers, CancellationToken cancellationToken = default);

#pragma warning restore RS0026

    /// <summary>RSET: unmarks every message marked for deletion in this session.</summary>
    void Reset(CancellationToken cancellationToken = default);

    /// <summary>RSET: unmarks every message marked for deletion in this session.</summary>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task ResetAsync(CancellationToken cancellationToken = default);

    /// <summary>NOOP: keeps the session alive and checks the server still answers.</summary>
    void Noop(CancellationToken cancellationToken = default);

    /// <summary>NOOP: keeps the session alive and checks the server still answers.</summary>
    /// <param name="cancellationToken">Cancels the operation; a cancellation after a command went out closes the session.</param>
    Task NoopAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// QUIT: ends the session; the server enters the UPDATE state and deletes the messages marked by DELE. The
    /// connection is closed afterwards either way. A <c>-ERR</c> reply (some deletions failed) throws <see cref="Pop3CommandException"/>.
    /// </summary>
    void Commit(CancellationToken cancellationToken = default);

    /// <inheritdoc cref="Commit"/>
    /// <param name="cancellationToken">Cancels the operation (the connection is then closed, which deletes nothing).</param>
    Task CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the session without deleting anything: RSET then QUIT when deletions are pending (if RSET fails, the
    /// connection is just closed, which per RFC 1939 deletes nothing either). Never throws for a broken connection.
    /// </summary>
    void Abandon(CancellationToken cancellationToken = default);

    /// <inheritdoc cref="Abandon"/>
    /// <param name="cancellationToken">Cancels the operation (the connection is then closed, which deletes nothing).</param>
    Task AbandonAsync(CancellationToken cancellationToken = default);
}
