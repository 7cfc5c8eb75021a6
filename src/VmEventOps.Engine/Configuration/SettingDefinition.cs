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

    /// <summary>The longest text of a setting without its own limit (paths, names, URIs).</summary>
    public const int StandardMaxLength = 4096;

    /// <summary>The longest text of a secret or a list without its own limit (tokens, connection strings, many scopes).</summary>
    public const int LongMaxLength = 65536;

    /// <summary>True for a setting the identity (credential and token cache) is built from.</summary>
    public bool IsIdentity => _rules.Identity;

    /// <summary>True for a setting that says where a service is (see <see cref="SettingAttribute.Endpoint"/>).</summary>
    public bool IsEndpoint => _rules.Endpoint;

    /// <summary>True for a setting whose value is a JSON array (see <see cref="SettingAttribute.Json"/>).</summary>
    public bool IsJson => _rules.Json;

    /// <summary>The longest text accepted, in characters.</summary>
    public int MaxLength => _rules.MaxLength > 0 ? _rules.MaxLength
        : IsSecret || ValueType == typeof(IReadOnlyList<string>) ? LongMaxLength : StandardMaxLength;

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
                var least = Math.Max(0, _rules.Minimum);
                return "a duration such as 00:00:30 or 7.00:00:00 ([d.]hh:mm:ss), or a whole number of seconds"
                    + (_rules.Maximum == long.MaxValue
                        ? least > 0 ? $", of at least {least} s" : string.Empty
                        : $", from {Seconds(least)} to {Seconds(_rules.Maximum)}");
            }

            if (ValueType == typeof(bool)) return "true or false";
            if (IsJson) return "a JSON array of " + (_rules.PatternDescription ?? "objects");
            if (ValueType == typeof(Uri)) return (_rules.RequireHttps ? "an absolute https URI" : "an absolute http or https URI") + " without user information";
            if (ValueType.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(ValueType));
            if (ValueType == typeof(IReadOnlyList<string>)) return "a comma-separated list (or JSON array) of " + (_rules.PatternDescription ?? "values");
            if (_rules.Format == SettingFormat.StorageConnectionString)
            {
                return "a storage connection string (AccountName and AccountKey, a SharedAccessSignature with endpoints, or UseDevelopmentStorage=true), its endpoints absolute http or https URIs without user information";
            }

            return _rules.PatternDescription ?? "text";
        }
    }

    /// <summary>
    /// Parses text into the setting's type; on failure returns false and why. The reason never repeats the text: the
    /// caller decides what of it may be shown. Any text is answered, never with an exception.
    /// </summary>
    public bool TryParse(string text, out object? value, out string? problem)
    {
        value = null;
        // A byte order mark at the start is what an editor or a file left behind, not part of the value.
        text = text.TrimStart('\uFEFF');
        if (text.Length > MaxLength)
        {
            problem = $"it is {text.Length} characters long; at most {MaxLength} are allowed";
            return false;
        }

        if (TextProblem(text) is { } unreadable)
        {
            problem = unreadable;
            return false;
        }

        try
        {
            return TryParseChecked(text.Trim(), out value, out problem);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or RegexMatchTimeoutException or UriFormatException)
        {
            // A parser that throws on some text is a no for that text, like any other.
            value = null;
            return Fail(out problem);
        }
    }

    /// <summary>
    /// Takes a typed value (a cmdlet parameter: an int stays an int) after the same checks text gets — range, pattern,
    /// format, length — without a round trip through text. On failure returns false and why, never repeating the value.
    /// </summary>
    public bool TryAccept(object value, out object? accepted, out string? problem)
    {
        accepted = null;
        problem = null;
        switch (value)
        {
            case string text when ValueType == typeof(string) || ValueType == typeof(Uri) || ValueType.IsEnum:
                // Text for a text setting, or a parameter still typed as text (a ValidateSet name, a URI as typed): parsed once.
                return TryParse(text, out accepted, out problem);
            case int number when ValueType == typeof(int):
                if (number < _rules.Minimum || number > _rules.Maximum) return Fail(out problem);
                break;
            case TimeSpan span when ValueType == typeof(TimeSpan):
                if (span < TimeSpan.Zero || span.TotalSeconds < _rules.Minimum || span.TotalSeconds > _rules.Maximum) return Fail(out problem);
                break;
            case bool when ValueType == typeof(bool):
                break;
            case Uri uri when ValueType == typeof(Uri):
                if (!IsAcceptable(uri)) return Fail(out problem);
                break;
            case Enum when value.GetType() == ValueType:
                if (!Enum.IsDefined(ValueType, value)) return Fail(out problem);
                break;
            case IEnumerable<string> items when ValueType == typeof(IReadOnlyList<string>):
                var list = items.Select(i => i.Trim()).Where(i => i.Length > 0).ToArray();
                var bad = Array.FindIndex(list, item => !Matches(item) || TextProblem(item) is not null);
                if (bad >= 0)
                {
                    problem = $"item {bad + 1} is not {_rules.PatternDescription ?? "valid"}";
                    return false;
                }

                value = (IReadOnlyList<string>)list;
                break;
            default:
                problem = $"expected {Expected}, not a {value.GetType().Name}";
                return false;
        }

        accepted = value;
        return true;
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

    private bool TryParseChecked(string trimmed, out object? value, out string? problem)
    {
        value = null;
        problem = null;
        if (ValueType == typeof(string) && IsJson)
        {
            if (!IsJsonArray(trimmed)) return Fail(out problem);
            value = trimmed;
            return true;
        }

        if (ValueType == typeof(string))
        {
            if (!Matches(trimmed) || !HasFormat(trimmed)) return Fail(out problem);
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
            if (span < TimeSpan.Zero || span.TotalSeconds < _rules.Minimum || span.TotalSeconds > _rules.Maximum)
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
            if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || !IsAcceptable(uri))
            {
                // A password in a URI is still a password: credentials belong in the secret settings.
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
            var bad = Array.FindIndex(items, item => !Matches(item));
            if (bad >= 0)
            {
                problem = $"item {bad + 1} is not {_rules.PatternDescription ?? "valid"}";
                return false;
            }

            value = (IReadOnlyList<string>)items;
            return true;
        }

        throw new InvalidOperationException($"Setting {Name} has an unsupported type {ValueType.Name}.");
    }

    // Text that no service can take: a NUL, half of a surrogate pair (no UTF-8 for it), or, outside secrets, a control
    // character within the value (the white space around it is trimmed).
    private string? TextProblem(string text)
    {
        var trimmed = text.Trim();
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (char.IsHighSurrogate(c) && i + 1 < trimmed.Length && char.IsLowSurrogate(trimmed[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c)) return $"it holds half of a UTF-16 surrogate pair at position {i + 1}, which is not text";
            // JSON text may be laid out on lines (an environment variable holding the rules).
            if (IsJson && c is '\r' or '\n' or '\t') continue;
            if (c == '\0' || (!IsSecret && char.IsControl(c))) return $"it holds the control character U+{(int)c:X4} at position {i + 1}";
        }

        return null;
    }

    private bool IsAcceptable(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || (!_rules.RequireHttps && uri.Scheme == Uri.UriSchemeHttp))
        && string.IsNullOrEmpty(uri.UserInfo) && !string.IsNullOrEmpty(uri.Host);

    private bool HasFormat(string text) => _rules.Format switch
    {
        SettingFormat.StorageConnectionString => StorageConnectionStringFormat.IsValid(text),
        _ => true,
    };

    private static string Seconds(long seconds) =>
        seconds == 86400 ? "1 day" : seconds % 86400 == 0 && seconds > 0 ? $"{seconds / 86400} days" : seconds % 3600 == 0 && seconds > 0 ? $"{seconds / 3600} h" : $"{seconds} s";

    private static bool IsJsonArray(string text)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text, new System.Text.Json.JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = System.Text.Json.JsonCommentHandling.Skip, MaxDepth = 16 });
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private bool Matches(string text) => _pattern is null || _pattern.IsMatch(text);

    private bool Fail(out string? problem)
    {
        problem = $"expected {Expected}";
        return false;
    }
}
