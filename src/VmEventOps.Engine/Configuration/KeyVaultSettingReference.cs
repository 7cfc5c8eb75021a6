using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Configuration;

/// <summary>A secret setting whose effective value is a Key Vault reference, and where that reference was written.</summary>
public sealed record KeyVaultSettingReference(SettingDefinition Setting, KeyVaultReference Reference, string Origin)
{
    /// <summary>The setting's name.</summary>
    public string Name => Setting.Name;
}
