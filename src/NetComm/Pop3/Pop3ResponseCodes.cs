using System;

namespace NetComm.Pop3;

/// <summary>
/// The extended response codes a server may put in brackets after <c>-ERR</c> (RFC 2449 section 8, RFC 3206),
/// as found in <see cref="Pop3CommandException.ResponseCode"/>.
/// </summary>
public static class Pop3ResponseCodes
{
    /// <summary><c>[AUTH]</c>: the credentials were wrong (RFC 3206); retrying with the same ones is pointless.</summary>
    public const string Auth = "AUTH";

    /// <summary><c>[IN-USE]</c>: the maildrop is locked by another session; retry later.</summary>
    public const string InUse = "IN-USE";

    /// <summary><c>[LOGIN-DELAY]</c>: the user logged in too recently (see <see cref="Pop3Capabilities.LoginDelay"/>); retry later.</summary>
    public const string LoginDelay = "LOGIN-DELAY";

    /// <summary><c>[SYS/TEMP]</c>: a temporary server problem (RFC 3206); retry later.</summary>
    public const string SystemTemporary = "SYS/TEMP";

    /// <summary><c>[SYS/PERM]</c>: a permanent server problem (RFC 3206); retrying will not help.</summary>
    public const string SystemPermanent = "SYS/PERM";

    /// <summary>Whether <paramref name="code"/> (or a code below it, such as <c>SYS/TEMP/QUOTA</c>) means "try again later".</summary>
    public static bool IsTransient(string? code)
        => code is not null
           && (Matches(code, SystemTemporary) || Matches(code, InUse) || Matches(code, LoginDelay));

    private static bool Matches(string code, string family)
        => code.Equals(family, StringComparison.OrdinalIgnoreCase)
           || (code.Length > family.Length && code[family.Length] == '/' && code.StartsWith(family, StringComparison.OrdinalIgnoreCase));
}
