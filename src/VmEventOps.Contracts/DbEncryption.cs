namespace VmEventOps;

/// <summary>Encryption of the connection (SQL Server's modes; the others map Mandatory and Strict to "require TLS").</summary>
public enum DbEncryption
{
    /// <summary>TLS required, certificate validated (SqlClient's default).</summary>
    Mandatory,

    /// <summary>TLS when the server offers it.</summary>
    Optional,

    /// <summary>TDS 8: TLS before anything else (SQL Server 2022 and Azure SQL).</summary>
    Strict,
}
