using VmEventOps.Engine.Diagnostics;

namespace VmEventOps.Engine.Configuration;

/// <summary>Parses one layer's text for one setting, and fails with a message that names where it was read.</summary>
internal static class SettingValueReader
{
    public static LayerValue Read(SettingDefinition definition, string text, string origin)
    {
        if (definition.TryParse(text, out var value, out var problem))
        {
            return new LayerValue(definition, text, value, origin);
        }

        // A secret's text is never repeated back, not even when it is wrong.
        var shown = definition.IsSecret ? string.Empty : $" '{Truncate(text)}'";
        throw new VmEventOpsException(
            ErrorIds.InvalidSettingValue,
            VmErrorCategory.InvalidArgument,
            $"Setting {definition.Name} in {origin} has the value{shown}, which is not valid: {problem}.",
            definition.Name);
    }

    public static VmEventOpsException Unknown(string name, string origin) => new(
        ErrorIds.UnknownSetting,
        VmErrorCategory.InvalidData,
        $"{origin} names the setting '{name}', which does not exist. Known settings: {string.Join(", ", SettingsCatalog.All.Select(s => s.Name))}.",
        name);

    public static VmEventOpsException Duplicate(string name, string origin) => new(
        ErrorIds.DuplicateSetting,
        VmErrorCategory.InvalidData,
        $"{origin} sets '{name}' more than once; keep one.",
        name);

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
