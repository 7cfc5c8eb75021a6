using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// One setting: its name, type, default and rules, read from a <see cref="VmEventOptions"/>
/// property. Parses text from any layer into the property's type, or says what was expected.
/// </summary>
public sealed class SettingDefinition
{
    private readonly SettingAttribute _rules;
    private readonly Regex? _pattern;

    internal SettingDefinition(PropertyInfo property, SettingAttribute rules, object? defaultValue)
    {
        Property = property;
        _rules = rules;
        _pattern = rules.Pattern is null ? null : new Regex(rules.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        ValueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        DefaultValue = defaultValue;
        DefaultText = defaultValue is null ? null : Format(defaultValue);
    }

    /// <summary>The setting name, as in the settings file.</summary>
    public string Name => Property.Name;

    /// <summary>The environment variable that sets it.</summary>
    public string EnvironmentVariable => ConfigurationLoader.EnvironmentPrefix + Name.ToUpperInvariant();

    /// <summary>One line describing it.</summary>
    public string Description => _rules.Description;

    /// <summary>How it is hidden when shown.</summary>
    public SecretKind Secret => _rules.Secret;

    /// <summary>True when the value must never be shown as is.</summary>
    public bool IsSecret => _rules.Secret != SecretKind.None;

    /// <summary>The built-in default as text, or null when there is none.</summary>
    public string? DefaultText { get; }

    internal object? DefaultValue { get; }

    internal PropertyInfo Property { get; }

    internal Type ValueType { get; }

    /// <summary>What a valid value looks like, for error messages and the README.</summary>
    public string Expected
    {
        get
        {
            if (ValueType == typeof(int))
            {
                return (_rules.Minimum, _rules.Maximum) switch
                {
                    (long.MinValue, long.MaxValue) => "a whole number",
                    (var min, long.MaxValue) => $"a whole number of at least {min}",
                    var (min, max) => $"a whole number from {min} to {max}",
                };
            }

            if (ValueType == typeof(TimeSpan))
            {
                return "a duration such as 00:00:30 or 7.00:00:00 ([d.]hh:mm:ss), or a whole number of seconds"
                    + (_rules.Minimum > 0 ? $", of at least {_rules.Minimum} s" : string.Empty);
            }

            if (ValueType == typeof(bool)) return "true or false";
            if (ValueType == typeof(Uri)) return _rules.RequireHttps ? "an absolute https URI" : "an absolute http or https URI";
            if (ValueType.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(ValueType));
            if (ValueType == typeof(IReadOnlyList<string>)) return "a comma-separated list (or JSON array) of " + (_rules.PatternDescription ?? "values");
            return _rules.PatternDescription ?? "text";
        }
    }

    /// <summary>Parses text into the setting's type; on failure returns false and why.</summary>
    public bool TryParse(string text, out object? value, out string? problem)
    {
        value = null;
        problem = null;
        var trimmed = text.Trim();
        if (ValueType == typeof(string))
        {
            if (!Matches(trimmed)) return Fail(out problem);
            value = trimmed;
            return true;
        }

        if (ValueType == typeof(int))
        {
            if (!int.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                || number < _rules.Minimum || number > _rules.Maximum)
            {
                return Fail(out problem);
            }

            value = number;
            return true;
        }

        if (ValueType == typeof(TimeSpan))
        {
            var span = int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.TryParseExact(trimmed, "c", CultureInfo.InvariantCulture, out var parsed) ? parsed : TimeSpan.MinValue;
            if (span < TimeSpan.Zero || span.TotalSeconds < _rules.Minimum)
            {
                return Fail(out problem);
            }

            value = span;
            return true;
        }

        if (ValueType == typeof(bool))
        {
            if (!bool.TryParse(trimmed, out var flag)) return Fail(out problem);
            value = flag;
            return true;
        }

        if (ValueType == typeof(Uri))
        {
            if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && (_rules.RequireHttps || uri.Scheme != Uri.UriSchemeHttp)))
            {
                return Fail(out problem);
            }

            value = uri;
            return true;
        }

        if (ValueType.IsEnum)
        {
            // Names only: Enum.TryParse would also take "3" or "Auto,Token".
            var name = Enum.GetNames(ValueType).FirstOrDefault(n => string.Equals(n, trimmed, StringComparison.OrdinalIgnoreCase));
            if (name is null) return Fail(out problem);
            value = Enum.Parse(ValueType, name);
            return true;
        }

        if (ValueType == typeof(IReadOnlyList<string>))
        {
            var items = trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var bad = items.FirstOrDefault(item => !Matches(item));
            if (bad is not null)
            {
                problem = $"'{bad}' is not {Expected}";
                return false;
            }

            value = (IReadOnlyList<string>)items;
            return true;
        }

        throw new InvalidOperationException($"Setting {Name} has an unsupported type {ValueType.Name}.");
    }

    /// <summary>Formats a typed value as the text a settings file or environment variable would hold.</summary>
    public static string Format(object value) => value switch
    {
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IReadOnlyList<string> list => string.Join(",", list),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private bool Matches(string text) => _pattern is null || _pattern.IsMatch(text);

    private bool Fail(out string? problem)
    {
        problem = $"expected {Expected}";
        return false;
    }
}
