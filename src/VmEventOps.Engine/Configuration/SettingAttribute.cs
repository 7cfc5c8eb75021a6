namespace VmEventOps.Engine.Configuration;

/// <summary>
/// Marks a property of <see cref="VmEventOptions"/> as a setting. The property name is the
/// setting name (environment form <c>VMEVENTOPS_&lt;NAME&gt;</c>); its type decides how text is parsed.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SettingAttribute : Attribute
{
    public SettingAttribute(string description) => Description = description;

    /// <summary>One line for the README and Get-VmEventConfiguration.</summary>
    public string Description { get; }

    /// <summary>How the value is hidden wherever it is shown.</summary>
    public SecretKind Secret { get; init; }

    /// <summary>For integers: the smallest value allowed; for durations: the fewest seconds.</summary>
    public long Minimum { get; init; } = long.MinValue;

    /// <summary>For integers: the largest value allowed.</summary>
    public long Maximum { get; init; } = long.MaxValue;

    /// <summary>For URIs: only https is allowed (bearer tokens never travel over plain http).</summary>
    public bool RequireHttps { get; init; }

    /// <summary>For text and list items: a regular expression the whole value must match.</summary>
    public string? Pattern { get; init; }

    /// <summary>Words for "expected ..." in the error when <see cref="Pattern"/> does not match.</summary>
    public string? PatternDescription { get; init; }
}

/// <summary>How a secret setting is shown.</summary>
public enum SecretKind
{
    /// <summary>Not a secret: shown as is.</summary>
    None,

    /// <summary>Shown as <c>***</c>.</summary>
    Whole,

    /// <summary>A connection string: shown with its keys, passwords and signatures as <c>***</c>.</summary>
    ConnectionString,
}
