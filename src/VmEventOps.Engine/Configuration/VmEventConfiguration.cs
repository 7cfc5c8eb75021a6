using VmEventOps.Engine.KeyVault;

namespace VmEventOps.Engine.Configuration;

/// <summary>The result of loading configuration: typed options for the managers, and the settings as shown to people.</summary>
public sealed class VmEventConfiguration
{
    internal VmEventConfiguration(
        VmEventOptions options, IReadOnlyList<VmEventSetting> settings, string? settingsPath, string? environment, SecretRedactor redactor,
        IReadOnlyList<KeyVaultSettingReference>? keyVaultReferences = null)
    {
        Options = options;
        Settings = settings;
        SettingsPath = settingsPath;
        Environment = environment;
        Redactor = redactor;
        KeyVaultReferences = keyVaultReferences ?? [];
        AsLoaded = options;
    }

    /// <summary>The validated settings. A secret setting that holds a Key Vault reference is null here until it is resolved.</summary>
    public VmEventOptions Options { get; }

    /// <summary>Every setting with its masked value and source, meta settings first.</summary>
    public IReadOnlyList<VmEventSetting> Settings { get; }

    /// <summary>The settings file used, or null.</summary>
    public string? SettingsPath { get; }

    /// <summary>The environment section used, or null.</summary>
    public string? Environment { get; }

    /// <summary>Masks this configuration's secret values (and key-like patterns) in any text.</summary>
    public SecretRedactor Redactor { get; }

    /// <summary>The secret settings whose values are read from Key Vault.</summary>
    public IReadOnlyList<KeyVaultSettingReference> KeyVaultReferences { get; }

    /// <summary>True once the Key Vault references are resolved into <see cref="Options"/>.</summary>
    public bool SecretsResolved { get; private init; }

    /// <summary>The options as loaded, before any reference was resolved: the identity that reads the vault is built from these.</summary>
    internal VmEventOptions AsLoaded { get; private init; }

    /// <summary>This configuration with its Key Vault references replaced by the values read, which the redactor then masks too.</summary>
    internal VmEventConfiguration WithResolvedSecrets(IReadOnlyList<(KeyVaultSettingReference Reference, string Value)> resolved)
    {
        var options = Options with { };
        foreach (var (reference, value) in resolved)
        {
            reference.Setting.Property.SetValue(options, SettingValueReader.ReadResolved(reference.Setting, value, reference.Reference));
        }

        return new VmEventConfiguration(options, Settings, SettingsPath, Environment, Redactor.With(resolved.Select(r => r.Value)), KeyVaultReferences)
        {
            SecretsResolved = true,
            AsLoaded = AsLoaded,
        };
    }
}
