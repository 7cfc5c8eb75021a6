using System.Collections.Concurrent;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Caching;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.KeyVault;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Hosting;

/// <summary>
/// The process's engine hosts, one per distinct identity and endpoint settings: the only static state of the engine's
/// wiring. The key is derived from the settings catalog (every setting marked Identity or Endpoint; secret ones hashed),
/// never listed by hand, so a setting added there can never let one invocation's credential serve another's. Bounded:
/// past <see cref="Capacity"/> hosts the longest unused is dropped (its clients are collected once no call holds them).
/// </summary>
internal static class EngineHostRegistry
{
    /// <summary>Distinct identity and endpoint settings kept at most (a Functions app has a handful).</summary>
    public const int Capacity = 64;

    private static readonly ConcurrentDictionary<string, EngineHost> Hosts = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, CredentialEntry> Credentials = new(StringComparer.Ordinal);
    private static long _clock;
    private static int _credentials;
    private static int _clients;

    /// <summary>Credentials built in this process (a test compares it with the distinct identities it used).</summary>
    public static int CredentialsBuilt => Volatile.Read(ref _credentials);

    /// <summary>SDK clients and pipelines built in this process.</summary>
    public static int ClientsBuilt => Volatile.Read(ref _clients);

    public static int Count => Hosts.Count;

    /// <summary>Automation's job quota is per account: one pacer per ARM endpoint and account for every worker of the process.</summary>
    public static BoundedMap<(string Endpoint, string Account), AutomationJobPacer> Pacers { get; } = new(Capacity);

    /// <summary>The process-wide pacer of an account (the latest settings win when they change).</summary>
    public static AutomationJobPacer Pacer(VmEventOptions options, string automationAccountId)
    {
        var pacer = Pacers.GetOrAdd((options.Arm.ArmEndpoint.AbsoluteUri, automationAccountId.ToLowerInvariant()),
            key => new AutomationJobPacer(automationAccountId, options.Automation.AutomationJobsPerWindow, options.Automation.AutomationJobWindow, TimeProvider.System));
        pacer.Configure(options.Automation.AutomationJobsPerWindow, options.Automation.AutomationJobWindow);
        return pacer;
    }


    /// <summary>Secret values read from Key Vault, per identity, for their cache period.</summary>
    public static KeyVaultSecretCache Secrets { get; } = new(TimeProvider.System);

    private static SecretClients? _secretClients;

    /// <summary>The Key Vault references' reader: the identity of each settings' host, the secret cache, the Key Vault clients.</summary>
    public static KeyVaultReferenceResolver SecretResolver { get; } = new(options => VmEventEngine.For(options).Tokens, Secrets, KeyVaultClients);

    // Built on the first Key Vault reference: its construction loads the Key Vault SDK.
    private static SecretClients KeyVaultClients() => LazyInitializer.EnsureInitialized(ref _secretClients, () => new SecretClients(Capacity));

    /// <summary>The HTTP clients of Http checks (one validating, one trusting any certificate), shared by every host.</summary>
    public static Workflow.Checks.CheckHttpClients CheckHttp { get; } = new();

    /// <summary>What the checks of every processor use: the Http checks' clients, the Key Vault reader, each settings' identity.</summary>
    public static Workflow.Checks.CheckServices CheckServices { get; } = new(CheckHttp, SecretResolver, options => VmEventEngine.For(options).Tokens);

    /// <summary>VM resource ids of state tables, briefly, for Tab completion (see <see cref="Completion.CompletionSource"/>).</summary>
    public static BoundedMap<string, (DateTimeOffset At, IReadOnlyList<string> Ids)> CompletionVmIds { get; } = new(Capacity, StringComparer.Ordinal);

    /// <summary>The most Automation accounts (per identity) whose runbooks are kept for Tab completion at once.</summary>
    public const int CompletionRunbookAccounts = 16;

    /// <summary>Runbooks of Automation accounts, briefly, for Tab completion (see <see cref="Completion.RunbookNameSource"/>).</summary>
    public static BoundedMap<string, (DateTimeOffset At, IReadOnlyList<AutomationRunbook> Runbooks)> CompletionRunbooks { get; } =
        new(CompletionRunbookAccounts, StringComparer.Ordinal);

    /// <summary>The host of these settings, built on first use.</summary>
    public static EngineHost For(VmEventOptions options)
    {
        var key = KeyOf(options);
        if (!Hosts.TryGetValue(key, out var host))
        {
            // Only an added host can take the registry past its capacity: the size is looked at here, not on every call.
            host = Hosts.GetOrAdd(key, _ => new EngineHost(options));
            host.LastUsed = Interlocked.Increment(ref _clock);
            if (Hosts.Count > Capacity) Evict(Hosts, h => h.LastUsed);
        }

        host.LastUsed = Interlocked.Increment(ref _clock);
        return host;
    }

    /// <summary>What makes two settings the same host: every setting the catalog marks Identity or Endpoint, secret ones hashed.</summary>
    public static string KeyOf(VmEventOptions options) => SettingsCatalog.Key(options, s => s.IsIdentity || s.IsEndpoint);

    /// <summary>
    /// The credential of the identity these settings describe: one per identity whatever the endpoints (one token cache),
    /// built once; a build that failed is not kept (settings corrected in the same process — a password, a file — are tried again).
    /// </summary>
    public static TokenProvider TokensFor(VmEventOptions options)
    {
        var key = TokenProvider.IdentityKey(options);
        var entry = Credentials.GetOrAdd(key, _ => new CredentialEntry(new Lazy<TokenProvider>(() =>
        {
            var provider = TokenProvider.Build(options);
            Interlocked.Increment(ref _credentials);
            return provider;
        }, LazyThreadSafetyMode.ExecutionAndPublication)));
        entry.LastUsed = Interlocked.Increment(ref _clock);
        try
        {
            return entry.Provider.Value;
        }
        catch (Exception)
        {
            Credentials.TryRemove(KeyValuePair.Create(key, entry));
            throw;
        }
        finally
        {
            if (Credentials.Count > Capacity) Evict(Credentials, c => c.LastUsed);
        }
    }

    // An identity in use keeps its credential (and token cache): past the capacity the longest unused goes, as with hosts.
    private sealed class CredentialEntry(Lazy<TokenProvider> provider)
    {
        public Lazy<TokenProvider> Provider { get; } = provider;

        public long LastUsed { get; set; }
    }

    internal static void CountClient() => Interlocked.Increment(ref _clients);

    // Beyond the capacity: the longest unused host goes; of the other parts (no use clock), any one — it is rebuilt on its next use.
    private static void Evict<TKey, T>(ConcurrentDictionary<TKey, T> entries, Func<T, long>? lastUsed = null) where TKey : notnull
    {
        while (entries.Count > Capacity)
        {
            var victim = lastUsed is null ? entries.First() : entries.MinBy(e => lastUsed(e.Value));
            entries.TryRemove(victim);
        }
    }
}
