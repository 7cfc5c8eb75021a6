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

    /// <summary>For integers: the largest value allowed; for durations: the most seconds.</summary>
    public long Maximum { get; init; } = long.MaxValue;

    /// <summary>
    /// The longest text accepted, in characters; 0 for the standard limit (<see cref="SettingDefinition.StandardMaxLength"/>).
    /// </summary>
    public int MaxLength { get; init; }

    /// <summary>
    /// True for a setting the credential is built from (or that decides which token it asks for): two settings that
    /// differ in any of them are two identities, each with a credential and token cache of its own.
    /// </summary>
    public bool Identity { get; init; }

    /// <summary>
    /// True for a setting that says where a service is (a storage account, its service URIs, a connection string): two
    /// settings that differ in any of them, or in an identity setting, use SDK clients of their own.
    /// </summary>
    public bool Endpoint { get; init; }

    /// <summary>A check of the text's form beyond its type and pattern (a connection string the SDK can read).</summary>
    public SettingFormat Format { get; init; }

    /// <summary>For URIs: only https is allowed (bearer tokens never travel over plain http).</summary>
    public bool RequireHttps { get; init; }

    /// <summary>For text and list items: a regular expression the whole value must match.</summary>
    public string? Pattern { get; init; }

    /// <summary>Words for "expected ..." in the error when <see cref="Pattern"/> does not match.</summary>
    public string? PatternDescription { get; init; }

    /// <summary>
    /// For text: the value is a JSON array (the onboarding rules), written as JSON in a settings file and as JSON text in an
    /// environment variable or parameter; shown with the values of its secret fields masked.
    /// </summary>
    public bool Json { get; init; }
}

/// <summary>A form a setting's text must have beyond its type and pattern.</summary>
public enum SettingFormat
{
    /// <summary>No check beyond type and pattern.</summary>
    Any,

    /// <summary>A storage connection string the Azure Storage SDK reads (keys, SAS, endpoints, or UseDevelopmentStorage=true).</summary>
    StorageConnectionString,
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
