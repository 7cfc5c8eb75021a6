namespace VmEventOps.Engine.Configuration;

/// <summary>A setting's value as one layer gives it: the text, the parsed value and where it was read.</summary>
internal sealed record LayerValue(SettingDefinition Definition, string Text, object? Value, string Origin);
