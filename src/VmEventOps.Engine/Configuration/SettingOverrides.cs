using System.Linq.Expressions;
using System.Runtime.InteropServices;
using System.Security;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// The top configuration layer: what one call's parameters say, typed. A port stays an int, a list a list, and a secret a
/// <see cref="SecureString"/> until the loader binds it into the options (the one place that needs its text). Each
/// value gets the same checks as the other layers give text (<see cref="SettingDefinition.TryAccept"/>).
/// </summary>
public sealed class SettingOverrides
{
    private readonly Dictionary<string, (SettingDefinition Definition, object Value)> _values = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>No parameter sets a setting.</summary>
    public static SettingOverrides None => new();

    /// <summary>Whether nothing is set.</summary>
    public bool IsEmpty => _values.Count == 0;

    /// <summary>Sets <paramref name="setting"/> to <paramref name="value"/> (null: not given, the lower layers decide).</summary>
    public SettingOverrides Set<T>(Expression<Func<VmEventOptions, T>> setting, T? value)
    {
        if (value is not null) Put(Definition(setting), value);
        return this;
    }

    /// <summary>Sets a value-typed <paramref name="setting"/> (a port, a switch) when the parameter was given.</summary>
    public SettingOverrides Set<T>(Expression<Func<VmEventOptions, T>> setting, T? value) where T : struct
    {
        if (value is { } given) Put(Definition(setting), given);
        return this;
    }

    /// <summary>Sets a setting by name from text typed on a command line not run yet (Tab completion reads the words typed so far).</summary>
    public SettingOverrides SetText(string setting, string text) =>
        SetText(SettingsCatalog.Find(setting) ?? throw new ArgumentException($"{setting} is not a setting.", nameof(setting)), text);

    /// <summary>Sets a setting from text a parameter still holds as text (a name from a ValidateSet): parsed by the setting's own rules.</summary>
    public SettingOverrides SetText<T>(Expression<Func<VmEventOptions, T>> setting, string? text)
    {
        if (text is not null) Put(Definition(setting), text);
        return this;
    }

    /// <summary>Sets a secret setting from a <see cref="SecureString"/>; its text is read once, when the options are bound.</summary>
    public SettingOverrides SetSecret(Expression<Func<VmEventOptions, string?>> setting, SecureString? value)
    {
        if (value is null) return this;
        var definition = Definition(setting);
        if (!definition.IsSecret) throw new ArgumentException($"{definition.Name} is not a secret setting.", nameof(setting));
        Put(definition, value);
        return this;
    }

    /// <summary>Sets a setting by its definition from text (tests and the property checks feed every setting this way).</summary>
    internal SettingOverrides SetText(SettingDefinition definition, string text)
    {
        Put(definition, text);
        return this;
    }

    /// <summary>The settings given, each with its value as given (text, typed value or SecureString).</summary>
    internal IEnumerable<(SettingDefinition Definition, object Value)> Values => _values.Values;

    /// <summary>The text of a secret given as a SecureString (or the text given), for binding and for the redactor.</summary>
    internal static string? Reveal(object value) => value switch
    {
        SecureString secure => Plain(secure),
        string text => text,
        _ => null,
    };

    private void Put(SettingDefinition definition, object value) => _values[definition.Name] = (definition, value);

    private static SettingDefinition Definition<T>(Expression<Func<VmEventOptions, T>> setting)
    {
        var body = setting.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : setting.Body;
        var name = (body as MemberExpression)?.Member.Name ?? throw new ArgumentException("Name a setting: o => o.Setting.", nameof(setting));
        return SettingsCatalog.Find(name) ?? throw new ArgumentException($"{name} is not a setting.", nameof(setting));
    }

    private static string Plain(SecureString secure)
    {
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return Marshal.PtrToStringUni(pointer) ?? string.Empty;
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}
