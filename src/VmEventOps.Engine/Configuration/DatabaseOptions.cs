namespace VmEventOps.Engine.Configuration;

/// <summary>The default rule's database check. Part of <see cref="VmEventOptions"/>; each property is the setting of the same name.</summary>
public sealed record DatabaseOptions
{
    /// <summary>Database engine: SqlServer, PostgreSql, MySql or Sqlite.</summary>
    public DbProvider DbProvider { get; init; } = DbProvider.SqlServer;

    /// <summary>Database server host name or address (a file path for Sqlite); {PrivateIpAddress} stands for the new VM's address.</summary>
    public string? DbServer { get; init; }

    /// <summary>Database server port (the provider's default when empty).</summary>
    public int? DbPort { get; init; }

    /// <summary>Database name.</summary>
    public string? DbName { get; init; }

    /// <summary>Database user name.</summary>
    public string? DbUser { get; init; }

    /// <summary>Database password.</summary>
    public string? DbPassword { get; init; }

    /// <summary>Encryption of the database check: Mandatory (TLS with a validated certificate), Optional (TLS when offered) or Strict (SQL Server TDS 8).</summary>
    public DbEncryption DbEncryption { get; init; } = DbEncryption.Mandatory;

    /// <summary>Accept the database server's certificate without validating it (test servers only; SQL Server's Strict validates all the same).</summary>
    public bool DbTrustServerCertificate { get; init; }

    /// <summary>SQL Server: the name the server's certificate holds, when the check connects by another (an address such as {PrivateIpAddress}, an alias).</summary>
    public string? DbHostNameInCertificate { get; init; }

    /// <summary>Names the type only: some of these settings are secrets.</summary>
    public override string ToString() => "DatabaseOptions { values not shown }";
}
