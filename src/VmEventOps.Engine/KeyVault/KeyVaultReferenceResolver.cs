using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.KeyVault;

/// <summary>
/// Replaces the Key Vault references of a configuration by the secrets they name, read with the module's own
/// credential (the identity the other settings describe) and kept per process for KeyVaultCacheDuration. App Service
/// resolves such references in app settings itself; this does it wherever the module runs. The composition root holds the
/// process's one (<c>VmEventEngine.Secrets</c>) and gives it the identities, the cache and the clients.
/// </summary>
public sealed class KeyVaultReferenceResolver
{
    // Settings the credential itself is built from: when one of them is a reference, it cannot be read with the credential it completes.
    private static readonly string[] IdentitySecrets = [nameof(VmEventOptions.ClientSecret), nameof(VmEventOptions.ClientCertificatePassword), nameof(VmEventOptions.AccessToken)];

    private readonly Func<VmEventOptions, TokenProvider> _tokens;
    private readonly KeyVaultSecretCache _cache;
    private readonly Func<SecretClients> _clients;

    internal KeyVaultReferenceResolver(Func<VmEventOptions, TokenProvider> tokens, KeyVaultSecretCache cache, Func<SecretClients> clients)
    {
        _tokens = tokens;
        _cache = cache;
        _clients = clients;
    }

    /// <summary>The configuration with every reference resolved (from the cache while it is fresh); the first failure, in settings order, is thrown.</summary>
    public async Task<VmEventConfiguration> ResolveAsync(VmEventConfiguration configuration, IHostLog log, CancellationToken cancellationToken)
    {
        if (configuration.KeyVaultReferences.Count == 0 || configuration.SecretsResolved) return configuration;
        var reads = await ReadAllAsync(configuration, refresh: false, log, cancellationToken).ConfigureAwait(false);
        if (reads.FirstOrDefault(r => r.Failure is not null).Failure is { } failure) throw failure;
        return configuration.WithResolvedSecrets(reads.Select(r => (r.Reference, r.Value!)).ToArray());
    }

    /// <summary>
    /// Reads every reference now (not from the cache) and reports, per setting, whether it resolved; the values are
    /// not kept in the result. For an admin checking a configuration before deploying it.
    /// </summary>
    public async Task<KeyVaultValidation> ValidateAsync(VmEventConfiguration configuration, IHostLog log, CancellationToken cancellationToken)
    {
        if (configuration.KeyVaultReferences.Count == 0) return new KeyVaultValidation(configuration.Settings, []);
        IReadOnlyList<(KeyVaultSettingReference Reference, string? Value, VmEventOpsException? Failure)> reads;
        try
        {
            reads = await ReadAllAsync(configuration, refresh: true, log, cancellationToken).ConfigureAwait(false);
        }
        catch (VmEventOpsException e)
        {
            // No credential for the vault at all: every reference is unresolved, for the same reason.
            reads = configuration.KeyVaultReferences.Select(r => (r, (string?)null, (VmEventOpsException?)e)).ToArray();
        }

        var outcome = reads.ToDictionary(r => r.Reference.Name, r => r.Failure is null, StringComparer.OrdinalIgnoreCase);
        var settings = configuration.Settings
            .Select(s => outcome.TryGetValue(s.Name, out var resolved) ? s with { Resolved = resolved } : s)
            .ToArray();
        var failures = reads.Where(r => r.Failure is not null).Select(r => r.Failure!).Distinct().ToArray();
        return new KeyVaultValidation(settings, failures);
    }

    /// <summary>
    /// The current value of one secret setting, for work that outlives a cache period (Start-VmEventWorker): a Key Vault
    /// reference is read again once KeyVaultCacheDuration has passed, so a rotated secret is picked up without a restart;
    /// when the vault cannot be read then, the last value read is kept (with a warning), as App Service does. A setting
    /// without a reference gives its value. <paramref name="configuration"/> must be resolved already.
    /// </summary>
    public Func<CancellationToken, Task<string?>> SecretSource(VmEventConfiguration configuration, string setting, IHostLog log)
    {
        var definition = SettingsCatalog.Find(setting) ?? throw new ArgumentException($"'{setting}' is not a setting.", nameof(setting));
        var current = (string?)definition.Property.GetValue(configuration.Options);
        var reference = configuration.KeyVaultReferences.FirstOrDefault(r => r.Setting == definition);
        if (reference is null || !configuration.SecretsResolved) return _ => Task.FromResult(current);
        var provider = Provider(configuration);
        return new RefreshingSecret(reference, current, token => ReadAsync(reference, configuration.AsLoaded, provider, refresh: false, log, token), log).GetAsync;
    }

    /// <summary>
    /// A secret a rule's check names by reference (a Database check's Password), read with the identity the settings
    /// describe and kept for KeyVaultCacheDuration like a setting's; its errors name the check, never the value.
    /// </summary>
    public Task<string> ReadRuleSecretAsync(KeyVaultReference reference, string origin, VmEventOptions options, IHostLog log, CancellationToken cancellationToken)
    {
        var setting = new KeyVaultSettingReference(SettingsCatalog.Find(nameof(VmEventOptions.DbPassword))!, reference, origin);
        return ReadAsync(setting, options, _tokens(options), refresh: false, log, cancellationToken);
    }

    private async Task<IReadOnlyList<(KeyVaultSettingReference Reference, string? Value, VmEventOpsException? Failure)>> ReadAllAsync(
        VmEventConfiguration configuration, bool refresh, IHostLog log, CancellationToken cancellationToken)
    {
        var provider = Provider(configuration);
        var reads = configuration.KeyVaultReferences.Select(async reference =>
        {
            try
            {
                return (reference, (string?)await ReadAsync(reference, configuration.AsLoaded, provider, refresh, log, cancellationToken).ConfigureAwait(false), (VmEventOpsException?)null);
            }
            catch (VmEventOpsException e)
            {
                return (reference, null, e);
            }
        });
        return await Task.WhenAll(reads).ConfigureAwait(false);
    }

    private Task<string> ReadAsync(
        KeyVaultSettingReference reference, VmEventOptions options, TokenProvider provider, bool refresh, IHostLog log, CancellationToken cancellationToken)
    {
        KeyVaultHostPolicy.Require(reference, options);
        var vault = reference.Reference.VaultUriIn(options.KeyVault.KeyVaultDnsSuffix);
        var secret = new Uri(vault, $"secrets/{reference.Reference.SecretName}/{reference.Reference.Version}");
        return _cache.GetAsync(
            provider.Credential, secret, options.KeyVault.KeyVaultCacheDuration, refresh,
            () =>
            {
                log.Verbose($"Reading {reference.Name} from {reference.Reference} ({vault.Host}){(refresh ? string.Empty : $", kept for {options.KeyVault.KeyVaultCacheDuration}")}.");
                return KeyVaultSecretReader.ReadAsync(reference, vault, provider.Credential, options, _clients(), CancellationToken.None);
            },
            cancellationToken);
    }

    private TokenProvider Provider(VmEventConfiguration configuration)
    {
        try
        {
            // The identity the settings describe without their references (a referenced client secret cannot read itself).
            return _tokens(configuration.AsLoaded);
        }
        catch (VmEventOpsException e) when (e.ErrorId == ErrorIds.AuthNotConfigured
            && configuration.KeyVaultReferences.FirstOrDefault(r => IdentitySecrets.Contains(r.Name)) is { } reference)
        {
            throw new VmEventOpsException(
                ErrorIds.KeyVaultReferenceInvalid, VmErrorCategory.InvalidArgument,
                $"Setting {reference.Name} ({reference.Origin}) is a Key Vault reference, but AuthMode {configuration.AsLoaded.Identity.AuthMode} needs its value to get the token that reads the vault. " +
                "Read it with another identity: AuthMode Auto, ManagedIdentity, WorkloadIdentity or AzureCli (the service principal is then used for everything else once the secret is read).",
                reference.Name, e);
        }
    }
}
