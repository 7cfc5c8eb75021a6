using System.Security;
using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Database;

/// <summary>One connection check: where, as whom, how long, and which query proves it.</summary>
public sealed record DbCheckRequest
{
    public required DbProvider Provider { get; init; }

    /// <summary>Host name or address (a file path for Sqlite).</summary>
    public required string Server { get; init; }

    /// <summary>The port; the provider's default when null.</summary>
    public int? Port { get; init; }

    public string? Database { get; init; }

    public string? UserName { get; init; }

    /// <summary>The password, kept as a SecureString until the driver needs it.</summary>
    public SecureString? Password { get; init; }

    public DbAuthentication Authentication { get; init; } = DbAuthentication.Password;

    /// <summary>The whole check's time limit.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The query of the last stage; <c>SELECT 1</c> by default.</summary>
    public string Query { get; init; } = "SELECT 1";

    public DbEncryption Encryption { get; init; } = DbEncryption.Mandatory;

    /// <summary>Accept the server's certificate without validating it (test servers; Strict on SQL Server validates all the same).</summary>
    public bool TrustServerCertificate { get; init; }

    /// <summary>SQL Server: the name the server's certificate must hold, when it is not the one connected to (an address, an alias).</summary>
    public string? HostNameInCertificate { get; init; }

    /// <summary>The port a provider listens on unless told otherwise.</summary>
    public int EffectivePort => Port ?? Provider switch
    {
        DbProvider.SqlServer => 1433,
        DbProvider.PostgreSql => 5432,
        DbProvider.MySql => 3306,
        _ => 0,
    };
}
