using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.KeyVault;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// Layers the settings: built-in defaults &lt; settings file (with its environment section) &lt;
/// <c>VMEVENTOPS_*</c> environment variables (how Functions app settings arrive) &lt; cmdlet
/// parameters. Each layer's text is validated where it is read, so an error names the file,
/// section, variable or parameter at fault; Microsoft.Extensions.Configuration does the layering.
/// </summary>
public sealed class ConfigurationLoader
{
    /// <summary>The prefix of every environment variable the module reads.</summary>
    public const string EnvironmentPrefix = "VMEVENTOPS_";

    /// <summary>Meta setting: the settings file (environment form VMEVENTOPS_SETTINGS).</summary>
    public const string SettingsMeta = "Settings";

    /// <summary>Meta setting: the named environment (environment form VMEVENTOPS_ENVIRONMENT).</summary>
    public const string EnvironmentMeta = "Environment";

    private readonly IHostLog _log;
    private readonly Func<IDictionary> _environmentVariables;

    /// <param name="log">Where verbose detail and warnings go.</param>
    /// <param name="environmentVariables">The process environment by default; tests pass their own.</param>
    public ConfigurationLoader(IHostLog log, Func<IDictionary>? environmentVariables = null)
    {
        _log = log;
        _environmentVariables = environmentVariables ?? System.Environment.GetEnvironmentVariables;
    }

    /// <summary>True for names that choose the file or environment rather than set a value.</summary>
    public static bool IsMetaSetting(string name) =>
        string.Equals(name, SettingsMeta, StringComparison.OrdinalIgnoreCase) || string.Equals(name, EnvironmentMeta, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Loads and validates the effective configuration for one call. Any text is answered with a configuration or a
    /// <c>VmConfig*</c> / <c>VmKeyVault*</c> error; an error's messages never hold the value of a secret setting read from any
    /// layer (nor a URI's user information).
    /// </summary>
    public VmEventConfiguration Load(ConfigurationRequest request)
    {
        var secretsSeen = new List<string?>();
        try
        {
            return Load(request, secretsSeen);
        }
        catch (VmEventOpsException e)
        {
            // The messages are written not to quote a secret; this also masks one that came in another way (a secret pasted into a name).
            throw (VmEventOpsException)new SecretRedactor(secretsSeen).Redact(e);
        }
    }

    private VmEventConfiguration Load(ConfigurationRequest request, List<string?> secretsSeen)
    {
        // Every secret value of the environment and the parameters is known before any value is checked: an error about
        // one setting may quote a value that is another's secret (a password pasted into a name).
        foreach (DictionaryEntry entry in _environmentVariables())
        {
            if (entry.Key is string variable && variable.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
                && SettingsCatalog.Find(variable[EnvironmentPrefix.Length..]) is { IsSecret: true })
            {
                secretsSeen.Add(entry.Value as string);
            }
            else if (entry.Key is string rules && string.Equals(rules, EnvironmentPrefix + "RULES", StringComparison.OrdinalIgnoreCase))
            {
                secretsSeen.AddRange(Configuration.RuleSecrets.In(entry.Value as string));
            }
        }

        secretsSeen.AddRange(request.Parameters.Values.Where(p => p.Definition.IsSecret).Select(p => SettingOverrides.Reveal(p.Value)));
        secretsSeen.AddRange(request.Parameters.Values.Where(p => p.Definition.IsJson).SelectMany(p => Configuration.RuleSecrets.In(p.Value as string)));
        var environment = ReadEnvironment(secretsSeen);
        var (settingsPath, pathLayer, pathOrigin) = Choose(request.SettingsPath, environment.Meta, SettingsMeta);
        var (environmentName, environmentLayer, environmentOrigin) = Choose(request.Environment, environment.Meta, EnvironmentMeta);

        SettingsFileContent? file = null;
        if (settingsPath is not null)
        {
            settingsPath = FullPath(settingsPath, request.BaseDirectory, SettingsMeta, pathOrigin);
            // A URI given as the settings path carries its user information into every message about the file: masked.
            secretsSeen.AddRange(SecretRedactor.UserInfoInPath(settingsPath));
            file = SettingsFileReader.Read(settingsPath, environmentName, secretsSeen);
            _log.Verbose($"Settings file {new SecretRedactor(SecretRedactor.UserInfoInPath(settingsPath)).Redact(settingsPath)} ({pathOrigin}); environment {file.Environment ?? "(none)"}; sections: {string.Join(", ", file.Environments)}.");
        }
        else if (!string.IsNullOrWhiteSpace(environmentName))
        {
            throw new VmEventOpsException(
                ErrorIds.UnknownEnvironment,
                VmErrorCategory.ObjectNotFound,
                $"Environment '{SecretRedactor.Quote(environmentName)}' ({environmentOrigin}) was asked for, but no settings file is given: use -SettingsPath or {EnvironmentPrefix}{SettingsMeta.ToUpperInvariant()}.",
                environmentName);
        }

        var layers = new IReadOnlyDictionary<string, LayerValue>[]
        {
            Defaults(),
            file?.Values ?? new Dictionary<string, LayerValue>(),
            environment.Values,
            ReadParameters(request.Parameters),
        };

        // Microsoft.Extensions.Configuration layers the sources; the last provider holding a key wins.
        var builder = new ConfigurationBuilder();
        foreach (var layer in layers)
        {
            builder.Add(new MemoryConfigurationSource { InitialData = layer.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value.Text)) });
        }

        var providers = builder.Build().Providers.ToArray();
        var options = new VmEventOptions();
        var settings = new List<VmEventSetting>
        {
            Meta(SettingsMeta, settingsPath, pathLayer, pathOrigin, "Settings file (JSON) read as the second layer."),
            Meta(EnvironmentMeta, file?.Environment, environmentLayer, environmentOrigin, "Named environment section of the settings file."),
        };
        var references = new List<KeyVaultSettingReference>();
        foreach (var definition in SettingsCatalog.All)
        {
            var index = Array.FindLastIndex(providers, p => p.TryGet(definition.Name, out _));
            var value = index < 0 ? null : layers[index][definition.Name];
            var layer = index < 0 ? ConfigurationLayer.Default : (ConfigurationLayer)index;
            if (value?.Reference is { } reference)
            {
                // Read from the vault later (KeyVaultReferenceResolver), with the credential the other settings describe.
                references.Add(new KeyVaultSettingReference(definition, reference, value.Origin));
            }
            else if (value is not null && layer != ConfigurationLayer.Default)
            {
                // A built-in default is what a new VmEventOptions holds already: only the other layers are set.
                definition.Property.SetValue(options, value.Value);
            }

            var shown = value is null ? null : value.Reference is null ? Show(definition, value.Text) : SecretRedactor.Mask;
            settings.Add(new VmEventSetting
            {
                Name = definition.Name,
                Value = shown,
                Source = layer,
                Origin = value?.Origin ?? "built-in",
                IsSecret = definition.IsSecret,
                KeyVaultSecret = value?.Reference?.ToString(),
                EnvironmentVariable = definition.EnvironmentVariable,
                Description = definition.Description,
            });
            if (layer != ConfigurationLayer.Default) _log.Verbose($"{definition.Name} = {shown}{(value!.Reference is null ? string.Empty : " from " + value.Reference)} ({value.Origin}).");
        }

        if (options.TraceFile is { Length: > 0 } traceFile)
        {
            options = options with { TraceFile = FullPath(traceFile, request.BaseDirectory, nameof(VmEventOptions.TraceFile), "TraceFile") };
        }

        // A reference may send the module's token only to a vault of this cloud or one the allow-list names: checked now, before any read.
        foreach (var reference in references) KeyVaultHostPolicy.Require(reference, options);

        // Every secret value of every layer (a file's password overridden by a variable is still a password).
        var redactor = SecretRedactor.ForOptions(options).With(secretsSeen);
        settings[0] = settings[0] with { Value = settings[0].Value is { } shownPath ? redactor.Redact(shownPath) : null };
        return new VmEventConfiguration(options, settings, settingsPath, file?.Environment, redactor, references);
    }

    /// <summary>How a value is shown: secrets masked, connection strings with their keys masked.</summary>
    public static string Show(SettingDefinition definition, string text) => definition.Secret switch
    {
        _ when definition.IsJson => Configuration.RuleSecrets.Redact(text),
        SecretKind.Whole => SecretRedactor.Mask,
        SecretKind.ConnectionString => SecretRedactor.RedactConnectionString(text),
        _ => SecretRedactor.PatternsOnly.Redact(text), // user:password@ in a URI, Password=... in a name: never shown
    };

    private static Dictionary<string, LayerValue> Defaults() =>
        SettingsCatalog.All
            .Where(d => d.DefaultText is not null)
            .ToDictionary(d => d.Name, d => new LayerValue(d, d.DefaultText!, d.DefaultValue, "built-in"), StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, LayerValue> ReadParameters(SettingOverrides parameters)
    {
        var values = new Dictionary<string, LayerValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (definition, given) in parameters.Values)
        {
            var origin = $"parameter -{definition.Name}";
            // A secret is revealed here, once, to be bound (and known to the redactor above); text takes the text path
            // (a Key Vault reference included); a typed value is checked as it is.
            values[definition.Name] = SettingOverrides.Reveal(given) is { } text && (definition.IsSecret || given is string)
                ? SettingValueReader.Read(definition, text, origin)
                : SettingValueReader.ReadTyped(definition, given, origin);
        }

        return values;
    }

    private (Dictionary<string, LayerValue> Values, Dictionary<string, (string Value, string Variable)> Meta) ReadEnvironment(List<string?> secretsSeen)
    {
        var values = new Dictionary<string, LayerValue>(StringComparer.OrdinalIgnoreCase);
        var meta = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in _environmentVariables())
        {
            var variable = (string)entry.Key;
            var text = entry.Value as string;
            if (!variable.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(text)) continue;
            var name = variable[EnvironmentPrefix.Length..];
            if (IsMetaSetting(name))
            {
                meta[name] = (text, variable);
                continue;
            }

            var definition = SettingsCatalog.Find(name);
            if (definition is null)
            {
                // Not fatal: the environment is shared with other software and older versions.
                _log.Warning($"Environment variable {SecretRedactor.Quote(variable)} is not a VmEventOps setting and is ignored.");
                continue;
            }

            if (definition.IsSecret) secretsSeen.Add(text);
            if (values.ContainsKey(definition.Name)) throw SettingValueReader.Duplicate(definition.Name, "the environment (names differing only in case)");
            values[definition.Name] = SettingValueReader.Read(definition, text, $"environment variable {variable}");
        }

        return (values, meta);
    }

    private static (string? Value, ConfigurationLayer Layer, string Origin) Choose(
        string? parameter, Dictionary<string, (string Value, string Variable)> meta, string name)
    {
        if (!string.IsNullOrWhiteSpace(parameter))
        {
            return (parameter, ConfigurationLayer.Parameter, $"parameter -{(name == SettingsMeta ? "SettingsPath" : name)}");
        }

        return meta.TryGetValue(name, out var fromEnvironment)
            ? (fromEnvironment.Value, ConfigurationLayer.Environment, $"environment variable {fromEnvironment.Variable}")
            : (null, ConfigurationLayer.Default, "built-in");
    }

    // A path from a setting, made absolute; text no file system takes (a NUL, a broken surrogate) is the setting's error.
    private static string FullPath(string path, string? baseDirectory, string setting, string origin)
    {
        var definition = SettingsCatalog.Find(setting);
        var problem = path.Length > SettingDefinition.StandardMaxLength ? $"it is {path.Length} characters long; at most {SettingDefinition.StandardMaxLength} are allowed"
            : path.Any(c => char.IsControl(c)) || HasBrokenSurrogate(path) ? "it holds a control character or half of a surrogate pair, which no file name can"
            : null;
        if (problem is null)
        {
            try
            {
                return Path.GetFullPath(path, baseDirectory ?? System.Environment.CurrentDirectory);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
            {
                problem = "it is not a valid path";
            }
        }

        throw new VmEventOpsException(
            ErrorIds.InvalidSettingValue,
            VmErrorCategory.InvalidArgument,
            $"Setting {definition?.Name ?? setting} ({origin}) has the value '{SecretRedactor.Quote(path)}', which is not valid: {problem}.",
            definition?.Name ?? setting);
    }

    private static bool HasBrokenSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return true;
        }

        return false;
    }

    private static VmEventSetting Meta(string name, string? value, ConfigurationLayer layer, string origin, string description) => new()
    {
        Name = name,
        Value = value,
        Source = layer,
        Origin = origin,
        EnvironmentVariable = EnvironmentPrefix + name.ToUpperInvariant(),
        Description = description,
    };
}
