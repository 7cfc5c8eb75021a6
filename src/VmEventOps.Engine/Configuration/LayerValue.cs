using VmEventOps.Engine.KeyVault;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// A setting's value as one layer gives it: the text, the parsed value and where it was read. A secret setting may
/// hold a Key Vault reference instead; then <see cref="Value"/> is null until the reference is resolved.
/// </summary>
internal sealed record LayerValue(SettingDefinition Definition, string Text, object? Value, string Origin, KeyVaultReference? Reference = null);
