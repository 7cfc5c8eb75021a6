using System.Collections.Concurrent;

namespace VmEventOps.Engine.Caching;

/// <summary>
/// Storage resources (queues, tables) known to exist: each is created on its first use, once for every caller of the
/// host, and a creation that failed is forgotten so the next use tries again (never a cached failure).
/// </summary>
internal sealed class CreatedOnce
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _created = new(StringComparer.Ordinal);

    /// <summary>Waits for <paramref name="key"/>'s creation, starting it when no caller has; rethrows its failure.</summary>
    public async Task EnsureAsync(string key, Func<Task> create, CancellationToken cancellationToken)
    {
        var creation = _created.GetOrAdd(key, _ => new Lazy<Task>(create));
        try
        {
            await creation.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Whatever failed (storage, or the credential before it), the next use tries again; only a creation still
            // under way (this caller stopped waiting) is left for the others that wait for it.
            if (!creation.IsValueCreated || creation.Value.IsCompleted) _created.TryRemove(KeyValuePair.Create(key, creation));
            throw;
        }
    }
}
