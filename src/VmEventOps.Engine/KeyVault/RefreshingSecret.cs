using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.KeyVault;

/// <summary>
/// One secret setting read from Key Vault again as its cache period passes, keeping the last value read when the vault
/// cannot be read (one warning per outage, and one when it can be read again). Thread-safe: many messages ask at once.
/// </summary>
internal sealed class RefreshingSecret(KeyVaultSettingReference reference, string? initial, Func<CancellationToken, Task<string>> read, IHostLog log)
{
    private string? _last = initial;
    private DateTimeOffset _lastReadOn = DateTimeOffset.UtcNow;
    private int _failing;

    public async Task<string?> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var value = await read(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _last, value);
            _lastReadOn = DateTimeOffset.UtcNow;
            if (Interlocked.Exchange(ref _failing, 0) == 1) log.Warning($"{reference.Name} is read from {reference.Reference} again.");
            return value;
        }
        catch (VmEventOpsException e)
        {
            // The message is the failure's own (vault, secret, role; never a value).
            if (Interlocked.Exchange(ref _failing, 1) == 0)
            {
                log.Warning($"{e.Message} The value read at {_lastReadOn:u} is used until the vault can be read again.");
            }

            return Volatile.Read(ref _last);
        }
    }
}
