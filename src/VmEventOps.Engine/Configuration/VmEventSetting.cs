namespace VmEventOps.Engine.Configuration;

/// <summary>One effective setting as Get-VmEventConfiguration shows it: value (secrets masked) and where it came from.</summary>
public sealed record VmEventSetting
{
    /// <summary>The setting name.</summary>
    public required string Name { get; init; }

    /// <summary>The value as text, secrets masked; null when not set.</summary>
    public string? Value { get; init; }

    /// <summary>The layer that gave the value.</summary>
    public required ConfigurationLayer Source { get; init; }

    /// <summary>Where in that layer: the file and section, the environment variable, or the parameter.</summary>
    public required string Origin { get; init; }

    /// <summary>True when the value is a secret and is never shown as is.</summary>
    public bool IsSecret { get; init; }

    /// <summary>The Key Vault secret the value is read from, as <c>KeyVault(vault/name)</c>; null when the value is written in the setting.</summary>
    public string? KeyVaultSecret { get; init; }

    /// <summary>For a Key Vault reference checked by Get-VmEventConfiguration -Validate: whether it resolved; otherwise null.</summary>
    public bool? Resolved { get; init; }

    /// <summary>The environment variable that sets it.</summary>
    public required string EnvironmentVariable { get; init; }

    /// <summary>What the setting is for.</summary>
    public required string Description { get; init; }
}
