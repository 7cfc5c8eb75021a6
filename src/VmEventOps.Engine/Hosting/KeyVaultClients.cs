using System.Collections.Concurrent;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;

namespace VmEventOps.Engine.Hosting;

/// <summary>
/// One Key Vault client per vault, identity and audience for the process: connections and the SDK's challenge cache are
/// reused. Its own type so that the Key Vault SDK loads only when a setting holds a Key Vault reference.
/// </summary>
internal static class KeyVaultClients
{
    private static int _used;

    /// <summary>The client of this vault, identity and audience, built by <paramref name="build"/> on first use.</summary>
    public static SecretClient For((Uri Vault, TokenCredential Credential, string Audience, bool OfCloud) key, Func<(Uri Vault, TokenCredential Credential, string Audience, bool OfCloud), SecretClient> build)
    {
        Volatile.Write(ref _used, 1);
        return Store.Clients.GetOrAdd(key, build);
    }

    /// <summary>Keeps at most <paramref name="capacity"/> clients (any one beyond goes; it is rebuilt on its next use).</summary>
    public static void Trim(int capacity)
    {
        // Touching the dictionary loads the SDK: nothing to trim before the first Key Vault reference.
        if (Volatile.Read(ref _used) == 0) return;
        TrimLoaded(capacity);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void TrimLoaded(int capacity)
    {
        foreach (var key in Store.Clients.Keys)
        {
            if (Store.Clients.Count <= capacity) break;
            Store.Clients.TryRemove(key, out _);
        }
    }

    // The dictionary in a type of its own: its initialiser (which loads the SDK) runs on the first Key Vault client only.
    private static class Store
    {
        public static readonly ConcurrentDictionary<(Uri Vault, TokenCredential Credential, string Audience, bool OfCloud), SecretClient> Clients = new();
    }
}
