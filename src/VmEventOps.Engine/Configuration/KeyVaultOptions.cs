namespace VmEventOps.Engine.Configuration;

/// <summary>How Key Vault references in secret settings are resolved. Part of <see cref="VmEventOptions"/>; each property is the setting of the same name.</summary>
public sealed record KeyVaultOptions
{
    /// <summary>How long a secret read from Key Vault is kept in the process before it is read again (0: every time).</summary>
    public TimeSpan KeyVaultCacheDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>DNS suffix of vaults named by VaultName= in a Key Vault reference (vault.azure.cn, vault.usgovcloudapi.net in other clouds).</summary>
    public string KeyVaultDnsSuffix { get; init; } = "vault.azure.net";

    /// <summary>Vault hosts outside KeyVaultDnsSuffix that may receive Key Vault tokens (private endpoints, emulators), comma-separated: host, *.domain, host:port. A loopback vault only when listed.</summary>
    public IReadOnlyList<string> KeyVaultAllowedHosts { get; init; } = [];
}
