using System.Collections.Concurrent;
using VmEventOps.Engine.Caching;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Completion;

/// <summary>
/// What Tab completes: setting names, the environment sections of a settings file, and VM resource IDs known to the
/// onboarding state table. Completion must be fast and silent: every source answers within its time limit or with
/// nothing, never throws, and a failure is not remembered (the next Tab tries again).
/// </summary>
public static class CompletionSource
{
    /// <summary>The longest a completion waits for the state table.</summary>
    public static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(3);

    /// <summary>How long the VM IDs of one state table are reused for the next Tab.</summary>
    public static readonly TimeSpan StateCacheDuration = TimeSpan.FromSeconds(30);

    /// <summary>The most VM IDs offered.</summary>
    public const int MaxVmIds = 100;

    private static Caching.BoundedMap<string, (DateTimeOffset At, IReadOnlyList<string> Ids)> VmIds => Hosting.EngineHostRegistry.CompletionVmIds;

    /// <summary>Setting names starting with <paramref name="prefix"/> (case-insensitive), in catalog order.</summary>
    public static IReadOnlyList<string> SettingNames(string? prefix) =>
        SettingsCatalog.All.Select(s => s.Name).Where(n => Matches(n, prefix)).ToArray();

    /// <summary>The environment sections of the settings file the request names (or VMEVENTOPS_SETTINGS names); none when there is no readable file.</summary>
    public static IReadOnlyList<string> EnvironmentNames(ConfigurationRequest request, string? prefix)
    {
        try
        {
            var path = request.SettingsPath ?? System.Environment.GetEnvironmentVariable(ConfigurationLoader.EnvironmentPrefix + ConfigurationLoader.SettingsMeta.ToUpperInvariant());
            if (string.IsNullOrWhiteSpace(path)) return [];
            var full = Path.GetFullPath(path, request.BaseDirectory ?? System.Environment.CurrentDirectory);
            if (!File.Exists(full)) return [];
            return SettingsFileReader.Read(full, environment: null, secretsSeen: []).Environments.Where(e => Matches(e, prefix)).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [];
        }
    }

    /// <summary>VM resource IDs in the state table of the request's settings that contain <paramref name="text"/> (case-insensitive), at most <see cref="MaxVmIds"/>.</summary>
    public static async Task<IReadOnlyList<string>> VmResourceIdsAsync(ConfigurationRequest request, string? text, CancellationToken cancellationToken)
    {
        try
        {
            var options = new ConfigurationLoader(NullHostLog.Instance).Load(request).Options;
            // The table under the key of its settings' engine host: every storage endpoint and identity setting, secrets hashed.
            var key = Hosting.EngineHostRegistry.KeyOf(options) + "|" + options.Storage.StateTableName;
            if (!VmIds.TryGetValue(key, out var cached) || DateTimeOffset.UtcNow - cached.At > StateCacheDuration)
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(StateTimeout);
                var records = await Hosting.VmEventEngine.For(options).State().ListAsync(state: null, limit.Token).WaitAsync(limit.Token).ConfigureAwait(false);
                cached = (DateTimeOffset.UtcNow, records.Select(r => r.VmResourceId).Order(StringComparer.OrdinalIgnoreCase).ToArray());
                VmIds.Set(key, cached);
            }

            return cached.Ids.Where(id => string.IsNullOrEmpty(text) || id.Contains(text, StringComparison.OrdinalIgnoreCase)).Take(MaxVmIds).ToArray();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [];
        }
    }

    private static bool Matches(string candidate, string? prefix) =>
        string.IsNullOrEmpty(prefix) || candidate.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
}
