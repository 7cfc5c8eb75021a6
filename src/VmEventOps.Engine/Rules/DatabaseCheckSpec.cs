using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;

namespace VmEventOps.Engine.Rules;

/// <summary>
/// A database login: the provider, the server (a template such as <c>{PrivateIpAddress}</c>), port, database, user and
/// password (text or a Key Vault reference), and the encryption. A rule may name several.
/// </summary>
public sealed record DatabaseCheckSpec : CheckSpec
{
    public override CheckKind Kind => CheckKind.Database;

    public required DbProvider Provider { get; init; }

    public required string Server { get; init; }

    public int? Port { get; init; }

    public string? Database { get; init; }

    public string? User { get; init; }

    /// <summary>The password, or a Key Vault reference (@Microsoft.KeyVault(...)) read when the check runs. Never shown.</summary>
    public string? Password { get; init; }

    public DbEncryption Encryption { get; init; } = DbEncryption.Mandatory;

    public bool TrustServerCertificate { get; init; }

    public string? HostNameInCertificate { get; init; }

    /// <summary>True for the check built from the Db* settings (its password comes from DbPassword, and its Key Vault reference).</summary>
    internal bool FromSettings { get; init; }
}
