namespace VmEventOps.Engine.Configuration;

/// <summary>What one call asks of the configuration: the file and environment to use, and its own parameters.</summary>
public sealed record ConfigurationRequest
{
    /// <summary>A settings file; when null, VMEVENTOPS_SETTINGS names it (or there is none).</summary>
    public string? SettingsPath { get; init; }

    /// <summary>A named environment section of the settings file; when null, VMEVENTOPS_ENVIRONMENT names it.</summary>
    public string? Environment { get; init; }

    /// <summary>Values given as cmdlet parameters (the top layer), typed.</summary>
    public SettingOverrides Parameters { get; init; } = SettingOverrides.None;

    /// <summary>The folder a relative settings path is resolved against (PowerShell's current location).</summary>
    public string? BaseDirectory { get; init; }
}
