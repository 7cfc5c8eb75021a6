namespace VmEventOps.Engine.Configuration;

/// <summary>Where a setting's value came from, lowest precedence first.</summary>
public enum ConfigurationLayer
{
    Default,
    SettingsFile,
    Environment,
    Parameter,
}
