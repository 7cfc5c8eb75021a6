using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using VmEventOps.Engine.Caching;

namespace VmEventOps.Engine.Hosting;

/// <summary>
/// One Key Vault client per vault, identity and audience for the process: connections and the SDK's challenge cache are
/// reused. Its own type so that the Key Vault SDK loads only when a setting holds a Key Vault reference.
/// </summary>
internal static class KeyVaultClients
{
    // A static of this type only: its initialiser (which loads the SDK) runs on the first Key Vault client.
    private static readonly BoundedMap<(Uri Vault, TokenCredential Credential, string Audience, bool OfCloud), SecretClient> Clients = new(EngineHostRegistry.Capacity);

    /// <summary>The client of this vault, identity and audience, built by <paramref name="build"/> on first use.</summary>
    public static SecretClient For((Uri Vault, TokenCredential Credential, string Audience, bool OfCloud) key, Func<(Uri Vault, TokenCredential Credential, string Audience, bool OfCloud), SecretClient> build) =>
        Clients.GetOrAdd(key, build);
}
