namespace VmEventOps.Emulators.Tds;

/// <summary>
/// What the server does with encryption, as SQL Server's "Force Encryption" setting and certificate decide it. The
/// PRELOGIN answer follows [MS-TDS] 2.2.6.5: ENCRYPT_ON to a client asking ENCRYPT_ON, ENCRYPT_OFF or ENCRYPT_REQ to a
/// client asking ENCRYPT_OFF, ENCRYPT_NOT_SUP when there is no certificate.
/// </summary>
public enum TdsServerEncryption
{
    /// <summary>A certificate, not forced: a client that asks for TLS gets it; one that does not gets the login packet encrypted only.</summary>
    Supported,

    /// <summary>Force Encryption: every client is answered ENCRYPT_REQ (or ENCRYPT_ON) and the whole session is encrypted.</summary>
    Required,

    /// <summary>No certificate: ENCRYPT_NOT_SUP, and the login travels in clear text.</summary>
    NotSupported,
}
