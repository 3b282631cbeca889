using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace NetComm.Testing;

/// <summary>
/// Faults to inject, so a test can check how a client handles a server that says no, is slow, or goes away. Each
/// method adds a rule and returns this object, so rules chain; rules are tried in the order they were added and the
/// first match applies. A rule applies every time unless <c>times</c> limits it (for example <c>times: 1</c> to fail
/// only the first attempt). Thread-safe; rules can be added while sessions run.
/// </summary>
/// <example>
/// <code>
/// server.Faults
///     .RejectRecipient("bob@example.com", 550, "5.1.1", "No such user")
///     .TemporaryFailure("MAIL", times: 1)
///     .SlowReplies(TimeSpan.FromMilliseconds(50));
/// </code>
/// </example>
public sealed class TestMailServerFaults
{
    private readonly object _gate = new();
    private readonly List<FaultRule> _rules = [];
    private long _slowReplyTicks;
    private int _messagesPerConnection;

    internal TestMailServerFaults()
    {
    }

    /// <summary>The delay before each batch of replies is written (zero when none).</summary>
    public TimeSpan ReplyDelay => TimeSpan.FromTicks(Interlocked.Read(ref _slowReplyTicks));

    /// <summary>The per-connection message limit set by <see cref="LimitMessagesPerConnection"/>, or 0 when there is none.</summary>
    public int MessagesPerConnection => Volatile.Read(ref _messagesPerConnection);

    /// <summary>How many rules are in force.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _rules.Count;
            }
        }
    }

    /// <summary>Answers RCPT TO for <paramref name="address"/> (case-insensitive) with the given reply, so the recipient is not added.</summary>
    public TestMailServerFaults RejectRecipient(string address, int code = 550, string? enhancedCode = "5.1.1", string text = "No such user here", int? times = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        ValidateSmtpCode(code, 400);
        return Add(new FaultRule(MailProtocol.Smtp, FaultAction.Reply, (verb, line) => verb == "RCPT" && PathOf(line, "TO:") is { } path && string.Equals(path, address, StringComparison.OrdinalIgnoreCase), times)
        {
            Code = code,
            EnhancedCode = enhancedCode,
            Text = text,
        });
    }

    /// <summary>Answers MAIL FROM with <paramref name="address"/> (case-insensitive; empty for the null sender) with the given reply.</summary>
    public TestMailServerFaults RejectSender(string address, int code = 550, string? enhancedCode = "5.7.1", string text = "Sender rejected", int? times = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ValidateSmtpCode(code, 400);
        return Add(new FaultRule(MailProtocol.Smtp, FaultAction.Reply, (verb, line) => verb == "MAIL" && PathOf(line, "FROM:") is { } path && string.Equals(path, address, StringComparison.OrdinalIgnoreCase), times)
        {
            Code = code,
            EnhancedCode = enhancedCode,
            Text = text,
        });
    }

    /// <summary>
    /// Answers the SMTP <paramref name="command"/> (a verb such as MAIL, RCPT, DATA, BDAT, EHLO, AUTH) with a transient
    /// 4xx failure instead of carrying it out. For DATA the failure comes instead of the 354 reply, so no content is read.
    /// </summary>
    public TestMailServerFaults TemporaryFailure(string command, int code = 451, string? enhancedCode = "4.3.0", string text = "Temporary failure, please try again later", int? times = null)
    {
        ValidateSmtpCode(code, 400);
        if (code >= 500)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "A temporary failure has a 4xx code; use Reply for others.");
        }

        return AddReply(Verb(command), code, enhancedCode, text, times);
    }

    /// <summary>
    /// Answers the SMTP <paramref name="command"/> (a verb, case-insensitive) with <paramref name="code"/> and
    /// <paramref name="text"/> (sent as is: include an enhanced status code in it if you want one) instead of carrying
    /// it out. A <paramref name="text"/> with line breaks becomes a multi-line reply.
    /// </summary>
    public TestMailServerFaults Reply(string command, int code, string text, int? times = null)
        => AddReply(Verb(command), code, null, text, times);

    /// <summary>
    /// Answers every SMTP command line matching <paramref name="predicate"/> (it gets the whole line, such as
    /// <c>RCPT TO:&lt;bob@example.com&gt; NOTIFY=NEVER</c>) with the given reply instead of carrying it out.
    /// A <paramref name="text"/> with line breaks becomes a multi-line reply.
    /// </summary>
    public TestMailServerFaults ReplyWhen(Func<string, bool> predicate, int code, string text, int? times = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ValidateSmtpCode(code, 200);
        return Add(new FaultRule(MailProtocol.Smtp, FaultAction.Reply, (_, line) => predicate(line), times) { Code = code, Text = text });
    }

    /// <summary>Rejects the message after its content has been received (after the final dot, or BDAT LAST); nothing is stored.</summary>
    public TestMailServerFaults RejectMessage(int code = 554, string? enhancedCode = "5.6.0", string text = "Message rejected", int? times = null)
    {
        ValidateSmtpCode(code, 400);
        return Add(new FaultRule(MailProtocol.Smtp, FaultAction.RejectMessage, static (_, _) => true, times)
        {
            Code = code,
            EnhancedCode = enhancedCode,
            Text = text,
        });
    }

    /// <summary>Closes the connection, without a reply, when the SMTP <paramref name="command"/> (a verb) arrives.</summary>
    public TestMailServerFaults DisconnectOn(string command, int? times = null)
    {
        var verb = Verb(command);
        return Add(new FaultRule(MailProtocol.Smtp, FaultAction.Disconnect, (v, _) => v == verb, times));
    }

    /// <summary>Closes the connection after the 354 reply, as soon as the first bytes of the content arrive (for BDAT: instead of reading the first chunk).</summary>
    public TestMailServerFaults DisconnectDuringData(int? times = null)
        => Add(new FaultRule(MailProtocol.Smtp, FaultAction.DisconnectDuringData, static (_, _) => true, times));

    /// <summary>
    /// Closes the connection after the whole content has arrived (final dot, or BDAT LAST), before replying. With
    /// <paramref name="keepMessage"/> the message is stored and delivered anyway, as when a server's reply is lost
    /// (the client cannot tell, and a retry makes a duplicate).
    /// </summary>
    public TestMailServerFaults DisconnectAfterFinalDot(bool keepMessage = false, int? times = null)
        => Add(new FaultRule(MailProtocol.Smtp, FaultAction.DisconnectAfterData, static (_, _) => true, times) { KeepMessage = keepMessage });

    /// <summary>
    /// Answers the SMTP <paramref name="command"/> (a verb) with <c>421</c> and closes the connection, as a server that is
    /// shutting down or overloaded does (RFC 5321 §3.8). Several in a row (<paramref name="times"/>) make a 421 storm.
    /// </summary>
    public TestMailServerFaults ServiceNotAvailable(string command = "MAIL", string? enhancedCode = "4.3.2", string text = "Service not available, closing transmission channel", int? times = null)
    {
        var verb = Verb(command);
        ArgumentNullException.ThrowIfNull(text);
        return Add(new FaultRule(MailProtocol.Smtp, FaultAction.ReplyAndClose, (v, _) => v == verb, times)
        {
            Code = 421,
            EnhancedCode = enhancedCode,
            Text = text,
        });
    }

    /// <summary>
    /// Greylists as Postgrey does, keyed by recipient (case-insensitive): the first RCPT TO for an address is answered
    /// <c>451 4.7.1</c>, and so is every one until <paramref name="retryAfter"/> has passed since; after that the address
    /// is accepted for good. A client that retries too soon is refused again, one that never retries loses the message.
    /// </summary>
    public TestMailServerFaults Greylist(TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        var firstSeen = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        bool Deferred(string verb, string line)
        {
            if (verb != "RCPT" || PathOf(line, "TO:") is not { } path)
            {
                return false;
            }

            // Take() calls matchers under its lock, so the table needs no lock of its own.
            if (!firstSeen.TryGetValue(path, out var since))
            {
                firstSeen[path] = Stopwatch.GetTimestamp();
                return true;
            }

            return Stopwatch.GetElapsedTime(since) < retryAfter;
        }

        return Add(new FaultRule(MailProtocol.Smtp, FaultAction.Reply, Deferred, null)
        {
            Code = 451,
            EnhancedCode = "4.7.1",
            Text = "Greylisted, please try again later",
        });
    }

    /// <summary>
    /// After <paramref name="count"/> messages accepted on one connection, answers the next MAIL FROM with
    /// <c>421 4.7.0</c> and closes the connection, as servers with a per-connection limit do (Exchange, hosted relays,
    /// Postfix's <c>smtpd_client_message_rate_limit</c>). A client should rotate its connections before the limit.
    /// </summary>
    public TestMailServerFaults LimitMessagesPerConnection(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Interlocked.Exchange(ref _messagesPerConnection, count);
        return this;
    }

    /// <summary>Delays every batch of replies (SMTP and POP3) by <paramref name="delay"/>; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TestMailServerFaults SlowReplies(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Interlocked.Exchange(ref _slowReplyTicks, delay.Ticks);
        return this;
    }

    /// <summary>Answers the POP3 <paramref name="command"/> (a verb such as USER, PASS, STAT, LIST, RETR, DELE) with <c>-ERR text</c>.</summary>
    public TestMailServerFaults Pop3Error(string command, string text = "[SYS/TEMP] Temporary failure", int? times = null)
    {
        var verb = Verb(command);
        ArgumentNullException.ThrowIfNull(text);
        return Add(new FaultRule(MailProtocol.Pop3, FaultAction.Reply, (v, _) => v == verb, times) { Text = "-ERR " + text });
    }

    /// <summary>
    /// Answers every POP3 command line matching <paramref name="predicate"/> with <paramref name="reply"/>, sent as is
    /// (it should start with +OK or -ERR; line breaks make it multi-line, and then it should end with a "." line).
    /// </summary>
    public TestMailServerFaults Pop3ReplyWhen(Func<string, bool> predicate, string reply, int? times = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentException.ThrowIfNullOrEmpty(reply);
        return Add(new FaultRule(MailProtocol.Pop3, FaultAction.Reply, (_, line) => predicate(line), times) { Text = reply });
    }

    /// <summary>Answers RETR (and TOP) of message <paramref name="messageNumber"/> with <c>-ERR text</c>.</summary>
    public TestMailServerFaults Pop3FailRetrieve(int messageNumber, string text = "[SYS/TEMP] Unable to read the message", int? times = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(messageNumber);
        return Add(new FaultRule(MailProtocol.Pop3, FaultAction.Reply, (verb, line) => verb is "RETR" or "TOP" && MessageNumberOf(line) == messageNumber, times)
        {
            Text = "-ERR " + text,
        });
    }

    /// <summary>Answers RETR of message <paramref name="messageNumber"/> (any message when null) with +OK and half the content, then closes the connection.</summary>
    public TestMailServerFaults Pop3DisconnectDuringRetrieve(int? messageNumber = null, int? times = null)
        => Add(new FaultRule(MailProtocol.Pop3, FaultAction.DisconnectDuringData, (verb, line) => verb == "RETR" && (messageNumber is null || MessageNumberOf(line) == messageNumber), times));

    /// <summary>Closes the connection, without a reply, when the POP3 <paramref name="command"/> (a verb) arrives.</summary>
    public TestMailServerFaults Pop3DisconnectOn(string command, int? times = null)
    {
        var verb = Verb(command);
        return Add(new FaultRule(MailProtocol.Pop3, FaultAction.Disconnect, (v, _) => v == verb, times));
    }

    /// <summary>Removes every rule, the reply delay and the per-connection message limit.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }

        Interlocked.Exchange(ref _slowReplyTicks, 0);
        Interlocked.Exchange(ref _messagesPerConnection, 0);
    }

    /// <summary>Finds the first rule of one of the <paramref name="actions"/> that matches, and uses up one of its times.</summary>
    internal FaultRule? Take(MailProtocol protocol, string verb, string line, params FaultAction[] actions)
    {
        lock (_gate)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var rule = _rules[i];
                if (rule.Protocol != protocol || Array.IndexOf(actions, rule.Action) < 0 || !rule.Matches(verb, line))
                {
                    continue;
                }

                if (rule.Remaining is { } remaining)
                {
                    if (remaining <= 1)
                    {
                        _rules.RemoveAt(i);
                    }
                    else
                    {
                        rule.Remaining = remaining - 1;
                    }
                }

                return rule;
            }

            return null;
        }
    }

    private TestMailServerFaults AddReply(string verb, int code, string? enhancedCode, string text, int? times)
    {
        ValidateSmtpCode(code, 200);
        ArgumentNullException.ThrowIfNull(text);
        return Add(new FaultRule(MailProtocol.Smtp, FaultAction.Reply, (v, _) => v == verb, times)
        {
            Code = code,
            EnhancedCode = enhancedCode,
            Text = text,
        });
    }

    private TestMailServerFaults Add(FaultRule rule)
    {
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return this;
    }

    private static string Verb(string command)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        return command.Trim().ToUpperInvariant();
    }

    private static void ValidateSmtpCode(int code, int minimum)
    {
        if (code < minimum || code > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, $"An SMTP reply code here is between {minimum} and 599.");
        }
    }

    /// <summary>The address in "MAIL FROM:&lt;a&gt;" or "RCPT TO:&lt;a&gt;".</summary>
    private static string? PathOf(string line, string keyword)
    {
        var at = line.IndexOf(keyword, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var rest = line.AsSpan(at + keyword.Length).TrimStart();
        if (rest.IsEmpty || rest[0] != '<')
        {
            return null;
        }

        var close = rest.IndexOf('>');
        return close < 0 ? null : rest[1..close].ToString();
    }

    private static int? MessageNumberOf(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 1 && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}

internal enum FaultAction
{
    Reply,
    ReplyAndClose,
    Disconnect,
    RejectMessage,
    DisconnectDuringData,
    DisconnectAfterData,
}

internal sealed class FaultRule
{
    private readonly Func<string, string, bool> _match;

    public FaultRule(MailProtocol protocol, FaultAction action, Func<string, string, bool> match, int? times)
    {
        if (times is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(times), times, "A fault applies at least once (or every time when null).");
        }

        Protocol = protocol;
        Action = action;
        _match = match;
        Remaining = times;
    }

    public MailProtocol Protocol { get; }

    public FaultAction Action { get; }

    public int? Remaining { get; set; }

    public int Code { get; init; }

    public string? EnhancedCode { get; init; }

    public string Text { get; init; } = string.Empty;

    public bool KeepMessage { get; init; }

    public bool Matches(string verb, string line) => _match(verb, line);
}
