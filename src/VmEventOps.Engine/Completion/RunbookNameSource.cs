using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.Completion;

/// <summary>
/// Runbook names for Tab: the runbooks of the configured Automation account (or the one the command line names), listed
/// through ARM. Fast and silent as every completion source: one list within <see cref="Timeout"/> or nothing, never an
/// error; a list is kept for <see cref="CacheDuration"/> per account and identity, a failure is not kept.
/// </summary>
public static class RunbookNameSource
{
    /// <summary>The longest a completion waits for ARM (retries included).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>How long the runbooks of one account are reused for the next Tab.</summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(60);

    /// <summary>The most runbook names offered.</summary>
    public const int MaxNames = 100;

    /// <summary>The most accounts (per identity) whose runbooks are kept at once; past it one is dropped, to be listed again on its next Tab.</summary>
    public const int MaxCachedAccounts = EngineHostRegistry.CompletionRunbookAccounts;

    private static Caching.BoundedMap<string, (DateTimeOffset At, IReadOnlyList<AutomationRunbook> Runbooks)> Cache => EngineHostRegistry.CompletionRunbooks;

    /// <summary>The runbooks whose names start with <paramref name="prefix"/> (case-insensitive), sorted, at most <see cref="MaxNames"/>; none when they cannot be read in time.</summary>
    public static Task<IReadOnlyList<AutomationRunbook>> RunbooksAsync(ConfigurationRequest request, string? prefix, CancellationToken cancellationToken) =>
        RunbooksAsync(request, prefix, Timeout, cancellationToken);

    internal static async Task<IReadOnlyList<AutomationRunbook>> RunbooksAsync(ConfigurationRequest request, string? prefix, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var options = new ConfigurationLoader(NullHostLog.Instance).Load(request).Options;
            if (string.IsNullOrWhiteSpace(options.Automation.AutomationAccountId)) return [];
            var key = KeyOf(options);
            if (!Cache.TryGetValue(key, out var cached) || DateTimeOffset.UtcNow - cached.At > CacheDuration)
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(timeout);
                // Retries wait no longer than the completion does.
                var gateway = VmEventEngine.For(options).Arm(NullHostLog.Instance).Within(DateTimeOffset.UtcNow + timeout);
                var runbooks = await gateway.ListRunbooksAsync(options.Automation.AutomationAccountId, limit.Token).WaitAsync(limit.Token).ConfigureAwait(false);
                cached = (DateTimeOffset.UtcNow, runbooks.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToArray());
                Cache.Set(key, cached);
            }

            return cached.Runbooks
                .Where(r => string.IsNullOrEmpty(prefix) || r.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Take(MaxNames)
                .ToArray();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [];
        }
    }

    /// <summary>How many accounts' runbooks are kept now (for tests of the bound).</summary>
    internal static int CachedAccounts => Cache.Count;

    /// <summary>Forgets every kept list (for tests).</summary>
    internal static void Clear() => Cache.Clear();

    // The account under the key of its settings' engine host (every identity and endpoint setting, secrets hashed):
    // one identity's list is never offered under another's settings.
    private static string KeyOf(VmEventOptions o) => EngineHostRegistry.KeyOf(o) + "|" + o.Automation.AutomationAccountId!.ToUpperInvariant();
}
