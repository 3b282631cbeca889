using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using MimeKit;

namespace NetComm.Testing;

/// <summary>
/// A user's POP3 maildrop. SMTP delivery appends to it; a test can inspect it or seed it. A POP3 session locks it
/// exclusively (RFC 1939 §8), sees the messages present at login, and removes the ones it deleted only when it
/// ends with QUIT. Thread-safe.
/// </summary>
public sealed class TestMailbox
{
    private readonly object _gate = new();
    private readonly List<MailboxMessage> _messages = [];
    private object? _owner;

    internal TestMailbox(TestMailUser user) => User = user;

    /// <summary>The owner.</summary>
    public TestMailUser User { get; }

    /// <summary>How many messages the maildrop holds.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count;
            }
        }
    }

    /// <summary>A snapshot of the messages, oldest first.</summary>
    public IReadOnlyList<MailboxMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return _messages.ToArray();
            }
        }
    }

    /// <summary>Whether a POP3 session holds the maildrop's lock.</summary>
    public bool IsLocked
    {
        get
        {
            lock (_gate)
            {
                return _owner is not null;
            }
        }
    }

    /// <summary>Appends <paramref name="message"/>, written with CRLF line endings.</summary>
    public MailboxMessage Add(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var buffer = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, buffer);
        return Append(buffer.ToArray());
    }

    /// <summary>Appends a message given as its raw bytes (bare LF line endings are turned into CRLF, as POP3 needs).</summary>
    public MailboxMessage Add(ReadOnlySpan<byte> rawMessage) => Append(rawMessage.ToArray());

    /// <summary>Appends a message given as text (UTF-8; bare LF line endings are turned into CRLF).</summary>
    public MailboxMessage Add(string rawMessage)
    {
        ArgumentNullException.ThrowIfNull(rawMessage);
        return Append(Encoding.UTF8.GetBytes(rawMessage));
    }

    /// <summary>Removes one message; false if it is not in the maildrop.</summary>
    public bool Remove(MailboxMessage message)
    {
        lock (_gate)
        {
            return _messages.Remove(message);
        }
    }

    /// <summary>Removes every message.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _messages.Clear();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{User.Name}: {Count} messages{(IsLocked ? " (locked)" : "")}";

    internal MailboxMessage Append(byte[] raw)
    {
        var message = new MailboxMessage(NewUid(), ToCrlf(raw));
        lock (_gate)
        {
            _messages.Add(message);
        }

        return message;
    }

    /// <summary>Takes the lock for <paramref name="owner"/> and returns the messages it will see, or null when another session holds it.</summary>
    internal MailboxMessage[]? TryLock(object owner)
    {
        lock (_gate)
        {
            if (_owner is not null)
            {
                return null;
            }

            _owner = owner;
            return _messages.ToArray();
        }
    }

    /// <summary>The UPDATE state: removes <paramref name="deleted"/> and releases the lock. Returns how many messages remain.</summary>
    internal int Commit(object owner, IEnumerable<MailboxMessage> deleted)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_owner, owner))
            {
                throw new InvalidOperationException("The maildrop is not locked by this session.");
            }

            foreach (var message in deleted)
            {
                _messages.Remove(message);
            }

            _owner = null;
            return _messages.Count;
        }
    }

    internal void Unlock(object owner)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_owner, owner))
            {
                _owner = null;
            }
        }
    }

    private static string NewUid() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    /// <summary>POP3 sends lines ended by CRLF; a message that does not end with one gets one.</summary>
    private static byte[] ToCrlf(byte[] raw)
    {
        var bareLf = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r'))
            {
                bareLf++;
            }
        }

        var needsEnd = raw.Length > 0 && raw[^1] != '\n' ? 2 : 0;
        if (bareLf == 0 && needsEnd == 0)
        {
            return raw;
        }

        var result = new byte[raw.Length + bareLf + needsEnd];
        var j = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r'))
            {
                result[j++] = (byte)'\r';
            }

            result[j++] = raw[i];
        }

        if (needsEnd != 0)
        {
            result[j++] = (byte)'\r';
            result[j] = (byte)'\n';
        }

        return result;
    }
}

/// <summary>A message in a <see cref="TestMailbox"/>, as POP3 serves it.</summary>
public sealed class MailboxMessage
{
    private readonly byte[] _data;
    private readonly Lazy<MimeMessage> _message;

    internal MailboxMessage(string uid, byte[] data)
    {
        Uid = uid;
        _data = data;
        _message = new Lazy<MimeMessage>(() => MimeMessage.Load(new MemoryStream(_data, writable: false)), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The unique id UIDL reports.</summary>
    public string Uid { get; }

    /// <summary>The content with CRLF line endings, before dot-stuffing: what RETR delivers.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>The size LIST and STAT report, in octets.</summary>
    public int Size => _data.Length;

    /// <summary>The content parsed by MimeKit (on first use).</summary>
    public MimeMessage Message => _message.Value;

    /// <inheritdoc />
    public override string ToString() => $"{Uid} ({Size} octets)";
}
