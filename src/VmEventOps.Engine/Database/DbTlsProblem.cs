namespace VmEventOps.Engine.Database;

/// <summary>What went wrong with TLS when a check failed with <see cref="DbErrorCategory.TlsFailure"/>. Starts at 1: no value is falsy in a PowerShell filter.</summary>
public enum DbTlsProblem
{
    /// <summary>The encryption asked for (Mandatory or Strict) needs TLS, and the server offers none (SQL Server error 20, "does not support encryption").</summary>
    EncryptionNotSupported = 1,

    /// <summary>The TLS handshake itself failed: Strict (TDS 8) against a server without it, or no TLS version or cipher in common.</summary>
    HandshakeFailed,

    /// <summary>The certificate's chain does not validate on this machine: self-signed, from a CA this machine does not trust, or expired.</summary>
    UntrustedCertificate,

    /// <summary>The certificate is trusted but names another server than the one connected to (or than HostNameInCertificate).</summary>
    NameMismatch,

    /// <summary>The driver refused the certificate without saying why.</summary>
    CertificateRejected,
}
