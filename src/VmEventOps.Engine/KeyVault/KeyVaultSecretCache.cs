using VmEventOps.Engine.Caching;

namespace VmEventOps.Engine.KeyVault;

/// <summary>
/// Secrets read from Key Vault, per identity and secret, kept for the configured time from when they were read.
/// Concurrent callers of a missing or stale secret share one read, so a worker's runspaces or a burst of Functions
/// invocations cost one request per secret and period. A failed read is not kept. Process-wide and thread-safe.
/// </summary>
internal sealed class KeyVaultSecretCache(TimeProvider time)
{
    private readonly SingleFlightCache<(object Identity, string Secret), (string Value, DateTimeOffset ReadAt)> _secrets = new();

    /// <summary>
    /// The secret from the cache while it is younger than <paramref name="duration"/>; otherwise (or with
    /// <paramref name="refresh"/>) read anew with <paramref name="read"/>, which is not cancelled with one caller.
    /// </summary>
    public async Task<string> GetAsync(
        object identity, Uri secret, TimeSpan duration, bool refresh, Func<Task<string>> read, CancellationToken cancellationToken)
    {
        var ((value, _), _) = await _secrets.GetAsync(
            (identity, secret.AbsoluteUri.ToLowerInvariant()),
            async () => (await read().ConfigureAwait(false), time.GetUtcNow()),
            kept => time.GetUtcNow() - kept.ReadAt < duration,
            refresh,
            cancellationToken).ConfigureAwait(false);
        return value;
    }
}
