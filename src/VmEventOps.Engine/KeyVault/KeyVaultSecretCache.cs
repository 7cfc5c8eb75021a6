using System.Collections.Concurrent;

namespace VmEventOps.Engine.KeyVault;

/// <summary>
/// Secrets read from Key Vault, per identity and secret, kept for the configured time from when they were read.
/// Concurrent callers of a missing or stale secret share one read, so a worker's runspaces or a burst of Functions
/// invocations cost one request per secret and period. A failed read is not kept. Process-wide and thread-safe.
/// </summary>
internal sealed class KeyVaultSecretCache(TimeProvider time)
{
    /// <summary>The process's cache.</summary>
    public static readonly KeyVaultSecretCache Shared = new(TimeProvider.System);

    private readonly ConcurrentDictionary<(object Identity, string Secret), Lazy<Task<(string Value, DateTimeOffset ReadAt)>>> _entries = new();

    /// <summary>
    /// The secret from the cache while it is younger than <paramref name="duration"/>; otherwise (or with
    /// <paramref name="refresh"/>) read anew with <paramref name="read"/>, which is not cancelled with one caller.
    /// </summary>
    public async Task<string> GetAsync(
        object identity, Uri secret, TimeSpan duration, bool refresh, Func<Task<string>> read, CancellationToken cancellationToken)
    {
        var key = (identity, secret.AbsoluteUri.ToLowerInvariant());
        while (true)
        {
            var entry = _entries.GetOrAdd(key, _ => new(async () => (await read().ConfigureAwait(false), time.GetUtcNow()), LazyThreadSafetyMode.ExecutionAndPublication));
            var fresh = !entry.IsValueCreated || !entry.Value.IsCompleted;
            try
            {
                var (value, readAt) = await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (fresh) return value; // read for this very call
                if (!refresh && time.GetUtcNow() - readAt < duration) return value;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
                throw;
            }

            // Stale, or a fresh read was asked for: drop this entry (unless another caller already replaced it) and read anew.
            refresh = false;
            _entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    /// <summary>Forgets every secret (tests).</summary>
    internal void Clear() => _entries.Clear();
}
