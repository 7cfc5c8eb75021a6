using VmEventOps.Engine.Errors;
using VmEventOps.Engine.KeyVault;

namespace VmEventOps.Engine.Configuration;

/// <summary>Parses one layer's text for one setting, and fails with a message that names where it was read.</summary>
internal static class SettingValueReader
{
    public static LayerValue Read(SettingDefinition definition, string text, string origin)
    {
        // A byte order mark that a file or an editor left at the start is not part of the value (nor hides a reference).
        text = text.TrimStart('\uFEFF');
        if (KeyVaultReference.IsReference(text)) return ReadReference(definition, text, origin);
        if (definition.TryParse(text, out var value, out var problem))
        {
            return new LayerValue(definition, text, value, origin);
        }

        // A secret's text is never repeated back, not even when it is wrong; other text is shown with any credential in it masked.
        var shown = definition.IsSecret ? string.Empty : $" '{SecretRedactor.Quote(text)}'";
        throw new VmEventOpsException(
            ErrorIds.InvalidSettingValue,
            VmErrorCategory.InvalidArgument,
            $"Setting {definition.Name} in {origin} has the value{shown}, which is not valid: {problem}.",
            definition.Name);
    }

    /// <summary>Takes a typed parameter value after the setting's checks; fails naming where it was given (a value that is not secret may be shown).</summary>
    public static LayerValue ReadTyped(SettingDefinition definition, object value, string origin)
    {
        if (definition.TryAccept(value, out var accepted, out var problem))
        {
            return new LayerValue(definition, SettingDefinition.Format(accepted!), accepted, origin);
        }

        throw new VmEventOpsException(
            ErrorIds.InvalidSettingValue,
            VmErrorCategory.InvalidArgument,
            $"Setting {definition.Name} in {origin} has the value '{SecretRedactor.Quote(SettingDefinition.Format(value))}', which is not valid: {problem}.",
            definition.Name);
    }

    /// <summary>Checks a resolved secret as if it had been written in the setting (its text is never shown).</summary>
    public static object? ReadResolved(SettingDefinition definition, string value, KeyVaultReference reference)
    {
        if (definition.TryParse(value, out var parsed, out var problem)) return parsed;
        throw new VmEventOpsException(
            ErrorIds.InvalidSettingValue,
            VmErrorCategory.InvalidArgument,
            $"Setting {definition.Name} comes from {reference}, whose value is not valid: {problem}.",
            definition.Name);
    }

    public static VmEventOpsException Unknown(string name, string origin) => new(
        ErrorIds.UnknownSetting,
        VmErrorCategory.InvalidData,
        $"{origin} names the setting '{SecretRedactor.Quote(name)}', which does not exist. Known settings: {string.Join(", ", SettingsCatalog.All.Select(s => s.Name))}.",
        SecretRedactor.Quote(name));

    public static VmEventOpsException Duplicate(string name, string origin) => new(
        ErrorIds.DuplicateSetting,
        VmErrorCategory.InvalidData,
        $"{origin} sets '{name}' more than once; keep one.",
        name);

    // Only secrets come from Key Vault: every other setting is safe to show and to keep in a file.
    private static LayerValue ReadReference(SettingDefinition definition, string text, string origin)
    {
        if (!definition.IsSecret)
        {
            throw new VmEventOpsException(
                ErrorIds.KeyVaultReferenceInvalid,
                VmErrorCategory.InvalidArgument,
                $"Setting {definition.Name} in {origin} holds a Key Vault reference, but only secret settings may ({string.Join(", ", SettingsCatalog.All.Where(d => d.IsSecret).Select(d => d.Name))}).",
                definition.Name);
        }

        if (!KeyVaultReference.TryParse(text, out var reference, out var problem))
        {
            throw new VmEventOpsException(
                ErrorIds.KeyVaultReferenceInvalid,
                VmErrorCategory.InvalidArgument,
                $"Setting {definition.Name} in {origin} holds a Key Vault reference that is not valid: {problem}.",
                definition.Name);
        }

        return new LayerValue(definition, text, null, origin, reference);
    }
}
