namespace VmEventOps.Engine.Configuration;

/// <summary>The result of loading configuration: typed options for the managers, and the settings as shown to people.</summary>
public sealed class VmEventConfiguration
{
    internal VmEventConfiguration(VmEventOptions options, IReadOnlyList<VmEventSetting> settings, string? settingsPath, string? environment, SecretRedactor redactor)
    {
        Options = options;
        Settings = settings;
        SettingsPath = settingsPath;
        Environment = environment;
        Redactor = redactor;
    }

    /// <summary>The validated settings.</summary>
    public VmEventOptions Options { get; }

    /// <summary>Every setting with its masked value and source, meta settings first.</summary>
    public IReadOnlyList<VmEventSetting> Settings { get; }

    /// <summary>The settings file used, or null.</summary>
    public string? SettingsPath { get; }

    /// <summary>The environment section used, or null.</summary>
    public string? Environment { get; }

    /// <summary>Masks this configuration's secret values (and key-like patterns) in any text.</summary>
    public SecretRedactor Redactor { get; }
}
