using System.Reflection;

namespace VmEventOps.Engine.Configuration;

/// <summary>Every setting the module knows, in declaration order, read once from <see cref="VmEventOptions"/>.</summary>
public static class SettingsCatalog
{
    private static readonly Lazy<Catalog> Instance = new(Build);

    /// <summary>All settings, in the order they are documented.</summary>
    public static IReadOnlyList<SettingDefinition> All => Instance.Value.Settings;

    /// <summary>Finds a setting by name, ignoring case.</summary>
    public static SettingDefinition? Find(string name) =>
        Instance.Value.ByName.TryGetValue(name, out var definition) ? definition : null;

    /// <summary>
    /// A key of the settings <paramref name="include"/> selects, as "Name=value|…" in catalog order, secret values hashed
    /// (the key is never shown, but it is held in memory): two options with equal keys agree in every such setting.
    /// </summary>
    public static string Key(VmEventOptions options, Func<SettingDefinition, bool> include) => string.Join("|", All.Where(include).Select(s =>
    {
        var value = s.Property.GetValue(options);
        var text = value is null ? string.Empty : SettingDefinition.Format(value);
        return s.Name + "=" + (s.IsSecret && value is not null ? Hash(text) : text);
    }));

    private static string Hash(string secret) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    private static Catalog Build()
    {
        var defaults = new VmEventOptions();
        var settings = typeof(VmEventOptions)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Rules: p.GetCustomAttribute<SettingAttribute>()))
            .Where(x => x.Rules is not null)
            .OrderBy(x => x.Property.MetadataToken)
            .Select(x => new SettingDefinition(x.Property, x.Rules!, EmptyToNull(x.Property.GetValue(defaults))))
            .ToArray();
        return new Catalog(settings, settings.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase));
    }

    private static object? EmptyToNull(object? value) => value is IReadOnlyList<string> { Count: 0 } ? null : value;

    private sealed record Catalog(IReadOnlyList<SettingDefinition> Settings, IReadOnlyDictionary<string, SettingDefinition> ByName);
}
