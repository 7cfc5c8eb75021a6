using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using VmEventOps.Engine.Caching;

namespace VmEventOps.Engine.KeyVault;

/// <summary>
/// One Key Vault client per vault, identity and audience: connections and the SDK's challenge cache are reused. The
/// composition root builds one for the process on the first Key Vault reference, so the Key Vault SDK loads only then.
/// </summary>
internal sealed class SecretClients(int capacity)
{
    private readonly BoundedMap<(Uri Vault, TokenCredential Credential, string Audience, bool OfCloud), SecretClient> _clients = new(capacity);

    /// <summary>The client of this vault, identity and audience, built by <paramref name="build"/> on first use.</summary>
    public SecretClient For((Uri Vault, TokenCredential Credential, string Audience, bool OfCloud) key, Func<(Uri Vault, TokenCredential Credential, string Audience, bool OfCloud), SecretClient> build) =>
        _clients.GetOrAdd(key, build);
}
