namespace NetComm.Transport;

/// <summary>How the server certificate's revocation status is checked.</summary>
public enum RevocationCheck
{
    /// <summary>No revocation check (the platform default for most mail clients).</summary>
    NoCheck = 0,

    /// <summary>Check online (CRL/OCSP); an unknown status fails validation.</summary>
    Online,

    /// <summary>Check against cached revocation data only.</summary>
    Offline,

    /// <summary>Check online, but accept when the revocation server cannot be reached (a revoked certificate still fails).</summary>
    SoftFail,
}
