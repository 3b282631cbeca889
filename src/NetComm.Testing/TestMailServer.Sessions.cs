using System;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using NetComm.Testing.Internal;

namespace NetComm.Testing;

// What sessions need from the server: users, maildrops, delivery and the violation log.
public sealed partial class TestMailServer
{
    internal TestMailUser? FindUser(string name)
    {
        var users = IsRunning ? _users : [.. Options.Users];
        return Array.Find(users, u => string.Equals(u.Name, name, StringComparison.Ordinal));
    }

    internal TestMailUser? FindRecipient(string address)
    {
        var users = IsRunning ? _users : [.. Options.Users];

        // Explicit addresses win over the local-part rule.
        return Array.Find(users, u => u.Addresses.Count > 0 && u.Receives(address))
            ?? Array.Find(users, u => u.Addresses.Count == 0 && u.Receives(address));
    }

    internal TestMailbox MailboxOf(TestMailUser user)
    {
        lock (_gate)
        {
            if (!_mailboxes.TryGetValue(user.Name, out var mailbox))
            {
                mailbox = new TestMailbox(user);
                _mailboxes.Add(user.Name, mailbox);
            }

            return mailbox;
        }
    }

    /// <summary>Stores a message and hands it to its users' maildrops; null when it would pass <see cref="TestMailServerOptions.MaxStoredBytes"/>.</summary>
    internal ReceivedMessage? Deliver(ReceivedEnvelope envelope, byte[] raw, MessageTransfer transfer, SmtpSessionInfo session)
    {
        lock (_gate)
        {
            if (_storedBytes + raw.Length > Options.MaxStoredBytes)
            {
                return null;
            }

            // Reserved now, so two sessions cannot both pass the cap.
            _storedBytes += raw.Length;
        }

        var queueId = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var message = new ReceivedMessage(queueId, envelope, raw, transfer, session);
        foreach (var user in envelope.Recipients.Select(r => r.User).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (FindUser(user) is { } found)
            {
                MailboxOf(found).Append(raw);
            }
        }

        TaskCompletionSource changed;
        lock (_gate)
        {
            _messages.Add(message);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Monitor.PulseAll(_gate);
        }

        changed.TrySetResult();
        Log.MessageAccepted(Logger, session.ConnectionId, queueId, raw.Length, envelope.Recipients.Count);
        return message;
    }

    internal void Record(ProtocolViolation violation)
    {
        long dropped;
        lock (_gate)
        {
            if (_violations.Count < Options.MaxViolations)
            {
                _violations.Add(violation);
                dropped = 0;
            }
            else
            {
                dropped = ++_droppedViolations;
            }
        }

        if (dropped == 0)
        {
            Log.Violation(Logger, violation.Protocol, violation.ConnectionId, violation.Kind, violation.Detail);
        }
        else if (dropped == 1)
        {
            // Once, not per violation: the log is as bounded as the list.
            Log.ViolationsDropped(Logger, Options.MaxViolations);
        }
    }
}
