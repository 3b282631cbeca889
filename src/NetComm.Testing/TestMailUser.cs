using System;
using System.Collections.Generic;
using System.Linq;

namespace NetComm.Testing;

/// <summary>
/// A user of the test server: the name and password it logs in with (SMTP AUTH and POP3), and the
/// addresses whose mail lands in its POP3 maildrop.
/// </summary>
public sealed class TestMailUser
{
    /// <summary>
    /// Creates a user. With no <paramref name="addresses"/>, mail to any address whose local part is
    /// <paramref name="name"/> (for example <c>alice@example.com</c> for <c>alice</c>) is delivered to it.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or contains white space, or an address has no <c>@</c>.</exception>
    public TestMailUser(string name, string password, params string[] addresses)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(addresses);
        if (name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("A user name cannot contain white space: POP3 USER and CRAM-MD5 could not carry it.", nameof(name));
        }

        foreach (var address in addresses)
        {
            if (string.IsNullOrEmpty(address) || !address.Contains('@', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{address}' is not an e-mail address.", nameof(addresses));
            }
        }

        Name = name;
        Password = password;
        Addresses = addresses.ToArray();
    }

    /// <summary>The login name (case-sensitive, as POP3 and SASL compare it).</summary>
    public string Name { get; }

    /// <summary>The password.</summary>
    public string Password { get; }

    /// <summary>The addresses delivered to this user (compared case-insensitively); empty means "any address with local part <see cref="Name"/>".</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>Whether mail for <paramref name="address"/> is delivered to this user.</summary>
    public bool Receives(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (Addresses.Count > 0)
        {
            return Addresses.Any(a => string.Equals(a, address, StringComparison.OrdinalIgnoreCase));
        }

        var at = address.LastIndexOf('@');
        return at > 0 && string.Equals(address[..at], Name, StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
