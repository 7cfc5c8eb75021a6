using System.Text;
using System.Text.Json;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// Reads a settings file: setting names at the top level, named environment sections
/// (objects such as <c>"Prod": { ... }</c>) that override them, and, as in Functions'
/// local.settings.json, a <c>Values</c> object whose <c>VMEVENTOPS_*</c> keys are settings
/// (its other keys belong to the Functions host and are left alone).
/// </summary>
internal static class SettingsFileReader
{
    private const string ValuesSection = "Values";

    // Keys of local.settings.json that are the Functions host's, not ours.
    private static readonly HashSet<string> HostKeys = new(StringComparer.OrdinalIgnoreCase) { "$schema", "IsEncrypted", "Host", "ConnectionStrings" };

    private static readonly JsonDocumentOptions ParseOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    // Larger than any settings file: a wrong path (a log, a database) is refused before it is read whole.
    private const long MaxFileSize = 4 * 1024 * 1024;

    public static SettingsFileContent Read(string path, string? environment, List<string?> secretsSeen)
    {
        using var document = Parse(path);
        try
        {
            CollectSecrets(document.RootElement, secretsSeen);
            return Read(path, environment, document, secretsSeen);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to turn an escaped half of a surrogate pair ("\ud800") into a string.
            throw Invalid(path, "it holds a name or a string that is not valid Unicode text (an unpaired \\uD800-\\uDFFF escape)");
        }
    }

    private static SettingsFileContent Read(string path, string? environment, JsonDocument document, List<string?> secretsSeen)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"its root is a JSON {root.ValueKind.ToString().ToLowerInvariant()}; expected an object of settings");
        }

        var values = new Dictionary<string, LayerValue>(StringComparer.OrdinalIgnoreCase);
        var sections = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in root.EnumerateObject())
        {
            if (HostKeys.Contains(property.Name)) continue;
            if (string.Equals(property.Name, ValuesSection, StringComparison.OrdinalIgnoreCase))
            {
                ReadValuesSection(path, property.Value, values, secretsSeen);
            }
            else if (property.Value.ValueKind == JsonValueKind.Object && SettingsCatalog.Find(property.Name) is null)
            {
                if (!sections.TryAdd(property.Name, property.Value)) throw SettingValueReader.Duplicate(SecretRedactor.Quote(property.Name), path);
            }
            else
            {
                Add(values, property.Name, property.Value, path, secretsSeen);
            }
        }

        string? section = null;
        if (!string.IsNullOrWhiteSpace(environment))
        {
            section = sections.Keys.FirstOrDefault(k => string.Equals(k, environment, StringComparison.OrdinalIgnoreCase));
            if (section is null)
            {
                var known = sections.Count == 0 ? "it has no environment sections" : "its environments are " + string.Join(", ", sections.Keys.Select(k => SecretRedactor.Quote(k, 40)));
                throw new VmEventOpsException(
                    ErrorIds.UnknownEnvironment,
                    VmErrorCategory.ObjectNotFound,
                    $"Environment '{SecretRedactor.Quote(environment)}' is not defined in settings file {path}: {known}.",
                    environment);
            }

            var origin = $"{path} [{section}]";
            var overrides = new Dictionary<string, LayerValue>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in sections[section].EnumerateObject())
            {
                Add(overrides, property.Name, property.Value, origin, secretsSeen);
            }

            foreach (var (name, value) in overrides) values[name] = value;
        }

        return new SettingsFileContent(path, section, sections.Keys.ToArray(), values);
    }

    private static JsonDocument Parse(string path)
    {
        string text;
        try
        {
            if (Directory.Exists(path))
            {
                throw new VmEventOpsException(ErrorIds.SettingsFileNotFound, VmErrorCategory.ObjectNotFound, $"Settings file {path} is a folder, not a file: name the JSON file in it.", path);
            }

            // A device (/dev/zero: endless) or a pipe (a read waits for a writer forever) is no settings file.
            if (FileKind.IsSpecial(path))
            {
                throw Invalid(path, "it is not a regular file (a device, a pipe or a socket); name a JSON file");
            }

            // The bound holds on what is read, not on what the file system says its length is.
            var bytes = ReadBounded(path);
            if (bytes is null) throw Invalid(path, $"it is larger than {MaxFileSize} bytes; a settings file is at most {MaxFileSize} bytes");

            // The byte order mark (UTF-8, UTF-16 or UTF-32) that Windows editors and PowerShell's Out-File write decides the
            // encoding; without one the file is UTF-8, strictly: bytes that are not UTF-8 are an error, not replaced.
            using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new VmEventOpsException(ErrorIds.SettingsFileNotFound, VmErrorCategory.ObjectNotFound, $"Settings file {path} does not exist.", path, e);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid(path, "it is not UTF-8 text (nor UTF-16 with a byte order mark)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VmEventOpsException(ErrorIds.SettingsFileNotFound, VmErrorCategory.ResourceUnavailable, $"Settings file {path} cannot be read: {e.Message}", path, e);
        }

        try
        {
            return JsonDocument.Parse(text, ParseOptions);
        }
        catch (JsonException e)
        {
            // JsonException's own message can quote the file's text (a secret, perhaps): say where only.
            var where = e.LineNumber is { } line ? $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : string.Empty;
            throw new VmEventOpsException(ErrorIds.SettingsFileInvalid, VmErrorCategory.ParserError, $"Settings file {path} is not valid JSON{where}.", path, inner: null);
        }
    }

    // At most MaxFileSize bytes of the file; null when there is more.
    private static byte[]? ReadBounded(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxFileSize) return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    // The string values of secret settings anywhere in the file (top level, environment sections, Values), known before
    // any value is checked, so an error about one setting cannot quote another's secret.
    private static void CollectSecrets(JsonElement element, List<string?> secretsSeen)
    {
        if (element.ValueKind != JsonValueKind.Object) return;
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name.StartsWith(ConfigurationLoader.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
                ? property.Name[ConfigurationLoader.EnvironmentPrefix.Length..]
                : property.Name;
            if (SettingsCatalog.Find(name) is { IsJson: true }) secretsSeen.AddRange(Configuration.RuleSecrets.In(property.Value.GetRawText()));
            else if (property.Value.ValueKind == JsonValueKind.Object) CollectSecrets(property.Value, secretsSeen);
            else if (property.Value.ValueKind == JsonValueKind.String && SettingsCatalog.Find(name) is { IsSecret: true }) secretsSeen.Add(property.Value.GetString());
        }
    }

    private static void ReadValuesSection(string path, JsonElement section, Dictionary<string, LayerValue> values, List<string?> secretsSeen)
    {
        var origin = $"{path} [{ValuesSection}]";
        if (section.ValueKind != JsonValueKind.Object) throw Invalid(path, $"'{ValuesSection}' must be an object");
        foreach (var property in section.EnumerateObject())
        {
            if (!property.Name.StartsWith(ConfigurationLoader.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            var name = property.Name[ConfigurationLoader.EnvironmentPrefix.Length..];
            if (ConfigurationLoader.IsMetaSetting(name)) continue;
            if (values.ContainsKey(name)) throw SettingValueReader.Duplicate(SecretRedactor.Quote(name), path);
            Add(values, name, property.Value, origin, secretsSeen);
        }
    }

    private static void Add(Dictionary<string, LayerValue> values, string name, JsonElement element, string origin, List<string?> secretsSeen)
    {
        var definition = SettingsCatalog.Find(name) ?? throw SettingValueReader.Unknown(name, origin);
        if (values.ContainsKey(definition.Name)) throw SettingValueReader.Duplicate(definition.Name, origin);
        var text = ToText(definition, element, origin);
        if (definition.IsSecret) secretsSeen.Add(text);
        if (text is not null) values[definition.Name] = SettingValueReader.Read(definition, text, origin);
    }

    private static string? ToText(SettingDefinition definition, JsonElement element, string origin)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return null; // explicit null: not set here, a lower layer's value stands
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return element.GetRawText();
            case JsonValueKind.Array when definition.IsJson:
                // Written again without its layout: one line of JSON, as an environment variable would hold it.
                return JsonSerializer.Serialize(element);
            case JsonValueKind.Array when definition.ValueType == typeof(IReadOnlyList<string>):
                var items = element.EnumerateArray().ToArray();
                if (items.Any(i => i.ValueKind != JsonValueKind.String || i.GetString()!.Contains(',')))
                {
                    throw WrongShape(definition, origin, "an array of strings");
                }

                return string.Join(",", items.Select(i => i.GetString()));
            default:
                throw WrongShape(definition, origin, "a JSON " + element.ValueKind.ToString().ToLowerInvariant());
        }
    }

    private static VmEventOpsException WrongShape(SettingDefinition definition, string origin, string what) => new(
        ErrorIds.InvalidSettingValue,
        VmErrorCategory.InvalidArgument,
        $"Setting {definition.Name} in {origin} is {what}, which is not valid: expected {definition.Expected}.",
        definition.Name);

    private static VmEventOpsException Invalid(string path, string why) =>
        new(ErrorIds.SettingsFileInvalid, VmErrorCategory.InvalidData, $"Settings file {path} is not valid: {why}.", path);
}

/// <summary>What a settings file contributes: its values for the chosen environment, and the environments it defines.</summary>
internal sealed record SettingsFileContent(string Path, string? Environment, IReadOnlyList<string> Environments, IReadOnlyDictionary<string, LayerValue> Values);
