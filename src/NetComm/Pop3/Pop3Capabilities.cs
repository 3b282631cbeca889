using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetComm.Pop3;

/// <summary>
/// What a POP3 server said it supports in its CAPA reply (RFC 2449), plus APOP from the greeting. Capabilities
/// read before STLS are discarded after it: only those read over TLS are trusted.
/// </summary>
public sealed class Pop3Capabilities
{
    private readonly Dictionary<string, string> _entries;

    private Pop3Capabilities(IReadOnlyList<string> lines, bool capaSupported, bool apop)
    {
        Lines = lines;
        IsCapaSupported = capaSupported;
        Apop = apop;
        _entries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var name = space < 0 ? line : line[..space];
            _entries.TryAdd(name, space < 0 ? "" : line[(space + 1)..].Trim());
        }

        Sasl = _entries.TryGetValue("SASL", out var sasl)
            ? sasl.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(m => m.ToUpperInvariant()).ToArray()
            : [];
        ParseLoginDelay();
        ParseExpire();
    }

    /// <summary>No CAPA reply (an RFC 1939-only server); USER/PASS is assumed.</summary>
    internal static Pop3Capabilities None(bool apop) => new([], capaSupported: false, apop);

    /// <summary>
    /// Capabilities as a server's CAPA reply would give them (public so that tests can fake a client's answer).
    /// </summary>
    /// <param name="lines">The CAPA lines without the status line and the final dot, such as <c>"SASL PLAIN"</c>.</param>
    /// <param name="apop">Whether the greeting offered APOP (carried a timestamp).</param>
    public static Pop3Capabilities Parse(IReadOnlyList<string> lines, bool apop = false)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return new(lines, capaSupported: true, apop);
    }

    /// <summary>The CAPA lines as the server sent them.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>Whether the server answered CAPA; when false, only RFC 1939 commands are assumed.</summary>
    public bool IsCapaSupported { get; }

    /// <summary>Whether the greeting carried an APOP timestamp (RFC 1939 section 7).</summary>
    public bool Apop { get; }

    /// <summary>SASL mechanisms offered with AUTH (RFC 5034), upper case; empty when none.</summary>
    public IReadOnlyList<string> Sasl { get; }

    /// <summary>USER/PASS is offered (or assumed, without CAPA).</summary>
    public bool User => !IsCapaSupported || Has("USER");

    /// <summary>TOP is offered.</summary>
    public bool Top => Has("TOP");

    /// <summary>UIDL is offered.</summary>
    public bool Uidl => Has("UIDL");

    /// <summary>STLS (RFC 2595) is offered.</summary>
    public bool StartTls => Has("STLS");

    /// <summary>PIPELINING is offered: commands may be sent without waiting for each reply.</summary>
    public bool Pipelining => Has("PIPELINING");

    /// <summary>RESP-CODES: <c>-ERR</c> replies may carry bracketed response codes.</summary>
    public bool ResponseCodes => Has("RESP-CODES");

    /// <summary>AUTH-RESP-CODE (RFC 3206): a failed login says <c>[AUTH]</c> when the credentials were wrong.</summary>
    public bool AuthResponseCode => Has("AUTH-RESP-CODE");

    /// <summary>UTF8 (RFC 6856) is offered.</summary>
    public bool Utf8 => Has("UTF8");

    /// <summary>The IMPLEMENTATION string, or null.</summary>
    public string? Implementation => _entries.TryGetValue("IMPLEMENTATION", out var value) && value.Length > 0 ? value : null;

    /// <summary>
    /// LOGIN-DELAY: the shortest time the server allows between two logins; poll no more often. Null when not
    /// advertised. Before login it may be a default that the value read after login replaces (see <see cref="LoginDelayPerUser"/>).
    /// </summary>
    public TimeSpan? LoginDelay { get; private set; }

    /// <summary>The LOGIN-DELAY value may differ per user (the server added <c>USER</c>).</summary>
    public bool LoginDelayPerUser { get; private set; }

    /// <summary>EXPIRE NEVER: the server never deletes messages on its own.</summary>
    public bool ExpireNever { get; private set; }

    /// <summary>
    /// EXPIRE: how long the server keeps a message after it was retrieved; <see cref="TimeSpan.Zero"/> means the
    /// server deletes retrieved messages at the end of the session whether or not DELE was sent. Null when not advertised or NEVER.
    /// </summary>
    public TimeSpan? ExpireAfter { get; private set; }

    /// <summary>The EXPIRE value may differ per user (the server added <c>USER</c>).</summary>
    public bool ExpirePerUser { get; private set; }

    /// <summary>Whether the capability <paramref name="name"/> was listed.</summary>
    public bool Has(string name) => _entries.ContainsKey(name);

    /// <summary>The CAPA lines, one per line.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Lines);

    private void ParseLoginDelay()
    {
        if (!_entries.TryGetValue("LOGIN-DELAY", out var value))
        {
            return;
        }

        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > 0 && int.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            LoginDelay = TimeSpan.FromSeconds(seconds);
        }

        LoginDelayPerUser = words.Skip(1).Contains("USER", StringComparer.OrdinalIgnoreCase);
    }

    private void ParseExpire()
    {
        if (!_entries.TryGetValue("EXPIRE", out var value))
        {
            return;
        }

        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return;
        }

        if (words[0].Equals("NEVER", StringComparison.OrdinalIgnoreCase))
        {
            ExpireNever = true;
        }
        else if (int.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= TimeSpan.MaxValue.Days)
        {
            // More days than a TimeSpan holds is no period at all: treated like any unreadable value (found by fuzzing).
            ExpireAfter = TimeSpan.FromDays(days);
        }

        ExpirePerUser = words.Skip(1).Contains("USER", StringComparer.OrdinalIgnoreCase);
    }
}
