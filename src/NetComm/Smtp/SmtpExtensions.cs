using System;

namespace NetComm.Smtp;

/// <summary>The ESMTP extensions NetComm understands, as advertised in the EHLO reply.</summary>
[Flags]
public enum SmtpExtensions
{
    /// <summary>None (a HELO-only server).</summary>
    None = 0,

    /// <summary>SIZE (RFC 1870): the server states its message size limit and accepts SIZE=.</summary>
    Size = 1 << 0,

    /// <summary>PIPELINING (RFC 2920).</summary>
    Pipelining = 1 << 1,

    /// <summary>8BITMIME (RFC 6152).</summary>
    EightBitMime = 1 << 2,

    /// <summary>BINARYMIME (RFC 3030).</summary>
    BinaryMime = 1 << 3,

    /// <summary>CHUNKING (RFC 3030): BDAT.</summary>
    Chunking = 1 << 4,

    /// <summary>SMTPUTF8 (RFC 6531).</summary>
    SmtpUtf8 = 1 << 5,

    /// <summary>DSN (RFC 3461).</summary>
    Dsn = 1 << 6,

    /// <summary>ENHANCEDSTATUSCODES (RFC 2034).</summary>
    EnhancedStatusCodes = 1 << 7,

    /// <summary>AUTH (RFC 4954).</summary>
    Authentication = 1 << 8,

    /// <summary>STARTTLS (RFC 3207).</summary>
    StartTls = 1 << 9,

    /// <summary>REQUIRETLS (RFC 8689).</summary>
    RequireTls = 1 << 10,
}
