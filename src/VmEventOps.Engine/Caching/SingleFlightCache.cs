using System.Collections.Concurrent;

namespace VmEventOps.Engine.Caching;

/// <summary>
/// Values kept per key while the caller finds them reusable; concurrent callers of a missing or stale value share one
/// creation, which no single caller's cancellation stops (others may be waiting for it). A failed creation is not kept.
/// Thread-safe: the token cache and the Key Vault secret cache of a process are instances of it.
/// </summary>
internal sealed class SingleFlightCache<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _entries;

    public SingleFlightCache(IEqualityComparer<TKey>? comparer = null) => _entries = new(comparer);

    /// <summary>
    /// The value for <paramref name="key"/>: the kept one while <paramref name="reusable"/> says so (and no
    /// <paramref name="refresh"/> is asked), else a new one from <paramref name="create"/>. Created: true when the value
    /// was made for this call (or while it waited), false when it was kept from before.
    /// </summary>
    public async Task<(TValue Value, bool Created)> GetAsync(
        TKey key, Func<Task<TValue>> create, Func<TValue, bool> reusable, bool refresh, CancellationToken cancellationToken)
    {
        while (true)
        {
            // A creation that throws at once becomes a failed task, dropped like any other failure.
            var entry = _entries.GetOrAdd(key, _ => new Lazy<Task<TValue>>(() => Run(create), LazyThreadSafetyMode.ExecutionAndPublication));
            var created = !entry.IsValueCreated || !entry.Value.IsCompleted;
            try
            {
                var value = await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (created) return (value, true); // as new as it gets
                if (!refresh && reusable(value)) return (value, false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
                // A failure that ended before this call looked (its own callers gave up waiting) is not this call's: try anew.
                if (!created) continue;
                throw;
            }

            // Stale, or a new value was asked for: drop this entry (unless another caller already replaced it) and create anew.
            refresh = false;
            _entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    // The creation's own task, not a wrapper around it: a wrapper completes a moment after the creation does, and a call
    // that looked in that moment would take a failure that had already ended for its own.
    private static Task<TValue> Run(Func<Task<TValue>> create)
    {
        try
        {
            return create();
        }
        catch (Exception e)
        {
            return Task.FromException<TValue>(e);
        }
    }
}
