namespace NetComm.Benchmarks.Compare;

/// <summary>How a POP3 benchmark client protects its connection to Dovecot.</summary>
internal enum Pop3Security
{
    /// <summary>Plain text on the POP3 port.</summary>
    None,

    /// <summary>STLS on the POP3 port.</summary>
    Stls,

    /// <summary>POP3S: TLS from the first byte on its own port.</summary>
    ImplicitTls,
}
