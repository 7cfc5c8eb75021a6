using System.Collections;
using VmEventOps.Emulators;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.KeyVault;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.KeyVault;

/// <summary>
/// Key Vault references in the configuration, read by the real SecretClient (challenge flow, retries) with the
/// process's managed identity (the emulator, as on App Service) from the Key Vault emulator on loopback HTTPS.
/// </summary>
public sealed class KeyVaultReferenceResolverTests : IAsyncLifetime
{
    private const string Planted = "Planted-Vault-Secret-7f3c9a";
    private readonly RecordingHostLog _log = new();
    private readonly Hashtable _environment = new() { ["VMEVENTOPS_AUTHMODE"] = "ManagedIdentity" };
    private KeyVaultEmulator _vault = null!;

    public async Task InitializeAsync()
    {
        _vault = await KeyVaultEmulator.StartAsync(TestTrust.Certificate, SafeIdentityEnvironment.Emulator.TenantId);
        // The emulator is on loopback: trusted with a Key Vault token only because it is listed.
        _environment["VMEVENTOPS_KEYVAULTALLOWEDHOSTS"] = _vault.VaultUri.Authority;
    }

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    private string Reference(string name, string? version = null) =>
        $"@Microsoft.KeyVault(SecretUri={_vault.VaultUri}secrets/{name}{(version is null ? string.Empty : "/" + version)})";

    private VmEventConfiguration Load(params (string Variable, string Value)[] variables)
    {
        foreach (var (variable, value) in variables) _environment[variable] = value;
        return new ConfigurationLoader(_log, () => _environment).Load(new ConfigurationRequest());
    }

    private Task<VmEventConfiguration> Resolve(VmEventConfiguration configuration) =>
        VmEventEngine.Secrets.ResolveAsync(configuration, _log, CancellationToken.None);

    private async Task<VmEventOpsException> Failure(VmEventConfiguration configuration)
    {
        var failure = await Assert.ThrowsAsync<VmEventOpsException>(() => Resolve(configuration));
        Assert.DoesNotContain(Planted, failure.ToString());
        Assert.DoesNotContain(Planted, _log.AllText);
        return failure;
    }

    [Fact]
    public async Task Resolve_SecretUriReference_ShouldReadTheSecretThroughTheBearerChallengeAndShowItMasked()
    {
        _vault.SetSecret("db-password", Planted);
        var loaded = Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password")), ("VMEVENTOPS_DBUSER", "onboarding"));

        var resolved = await Resolve(loaded);

        Assert.Null(loaded.Options.DbPassword);
        Assert.Equal(Planted, resolved.Options.DbPassword);
        Assert.Equal("onboarding", resolved.Options.DbUser);
        Assert.True(resolved.SecretsResolved);
        Assert.False(loaded.SecretsResolved);
        var setting = resolved.Settings.Single(s => s.Name == "DbPassword");
        Assert.Equal("***", setting.Value);
        Assert.Equal($"KeyVault({_vault.VaultUri.Authority}/db-password)", setting.KeyVaultSecret);
        Assert.Equal(ConfigurationLayer.Environment, setting.Source);
        Assert.Equal("environment variable VMEVENTOPS_DBPASSWORD", setting.Origin);
        Assert.Equal("Connecting with *** failed", resolved.Redactor.Redact($"Connecting with {Planted} failed"));
        Assert.True(_vault.Challenges >= 1, "the SDK must first be challenged (401 with WWW-Authenticate)");
        Assert.Equal(1, _vault.Reads("db-password"));
        Assert.DoesNotContain(Planted, _log.AllText);
        Assert.Contains(_log.Verbose, m => m.Contains("Reading DbPassword from KeyVault(", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resolve_WithinTheCachePeriod_ShouldReadEachSecretOnceAndPickAPinnedVersion()
    {
        var first = _vault.SetSecret("db-password", "version-one-value");
        _vault.SetSecret("db-password", Planted);
        _vault.SetSecret("storage", "UseDevelopmentStorage=true");
        var configuration = Load(
            ("VMEVENTOPS_DBPASSWORD", Reference("db-password", first)),
            ("VMEVENTOPS_STORAGECONNECTIONSTRING", Reference("storage")));

        for (var i = 0; i < 3; i++)
        {
            var resolved = await Resolve(configuration);
            Assert.Equal("version-one-value", resolved.Options.DbPassword);
            Assert.Equal("UseDevelopmentStorage=true", resolved.Options.StorageConnectionString);
        }

        Assert.Equal(1, _vault.Reads("db-password"));
        Assert.Equal(1, _vault.Reads("storage"));
    }

    [Fact]
    public async Task Resolve_WithZeroCacheDuration_ShouldReadEveryTime()
    {
        _vault.SetSecret("db-password", Planted);
        var configuration = Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password")), ("VMEVENTOPS_KEYVAULTCACHEDURATION", "0"));

        await Resolve(configuration);
        await Resolve(configuration);

        Assert.Equal(2, _vault.Reads("db-password"));
    }

    [Fact]
    public async Task Resolve_MissingSecret_ShouldBeSecretNotFoundNamingTheVaultAndTheSecret()
    {
        _vault.SetSecret("other", Planted);

        var failure = await Failure(Load(("VMEVENTOPS_DBPASSWORD", Reference("db-passwrod"))));

        Assert.Equal(ErrorIds.KeyVaultSecretNotFound, failure.ErrorId);
        Assert.Equal(VmErrorCategory.ObjectNotFound, failure.Category);
        Assert.Contains($"Key Vault '{_vault.VaultUri.Authority}', secret 'db-passwrod'", failure.Message);
        Assert.Contains("Setting DbPassword (environment variable VMEVENTOPS_DBPASSWORD)", failure.Message);
        Assert.Equal("DbPassword", failure.Target);
    }

    [Fact]
    public async Task Resolve_UnknownVersion_ShouldBeSecretNotFoundNamingTheVersion()
    {
        _vault.SetSecret("db-password", Planted);

        var failure = await Failure(Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password", "0123456789abcdef0123456789abcdef"))));

        Assert.Equal(ErrorIds.KeyVaultSecretNotFound, failure.ErrorId);
        Assert.Contains("with version 0123456789abcdef0123456789abcdef", failure.Message);
    }

    [Fact]
    public async Task Resolve_WithoutTheRole_ShouldBeAccessDeniedNamingKeyVaultSecretsUser()
    {
        _vault.SetSecret("db-password", Planted);
        _vault.GrantSecretsUser(Guid.NewGuid().ToString()); // someone else: the module's identity has no role

        var failure = await Failure(Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password"))));

        Assert.Equal(ErrorIds.KeyVaultAccessDenied, failure.ErrorId);
        Assert.Equal(VmErrorCategory.PermissionDenied, failure.Category);
        Assert.Contains("'Key Vault Secrets User'", failure.Message);
        Assert.Contains("AuthMode ManagedIdentity", failure.Message);
        Assert.Contains("403 Forbidden (ForbiddenByRbac)", failure.Message);
        Assert.Contains("secret 'db-password'", failure.Message);
    }

    [Fact]
    public async Task Resolve_WithTheRole_ShouldRead()
    {
        _vault.SetSecret("db-password", Planted);
        _vault.GrantSecretsUser(SafeIdentityEnvironment.Emulator.SystemAssigned.ObjectId);

        Assert.Equal(Planted, (await Resolve(Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password"))))).Options.DbPassword);
    }

    [Fact]
    public async Task Resolve_ToldToFail403_ShouldBeAccessDenied()
    {
        _vault.SetSecret("db-password", Planted);
        _vault.Fail(403);

        Assert.Equal(ErrorIds.KeyVaultAccessDenied, (await Failure(Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password"))))).ErrorId);
    }

    [Fact]
    public async Task Resolve_DisabledSecret_ShouldSaySo()
    {
        _vault.SetSecret("db-password", Planted, enabled: false);

        var failure = await Failure(Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password"))));

        Assert.Equal(ErrorIds.KeyVaultAccessDenied, failure.ErrorId);
        Assert.Contains("is disabled", failure.Message);
    }

    [Fact]
    public async Task Resolve_ThrottledOnce_ShouldBeRetriedByTheClient()
    {
        _vault.SetSecret("db-password", Planted);
        _vault.Fail(429, count: 1, retryAfter: TimeSpan.Zero);

        Assert.Equal(Planted, (await Resolve(Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password"))))).Options.DbPassword);
        Assert.Equal(2, _vault.Reads("db-password"));
    }

    [Fact]
    public async Task Resolve_ThrottledBeyondTheRetries_ShouldBeTransientThrottled()
    {
        _vault.SetSecret("db-password", Planted);
        _vault.Fail(429, count: 10, retryAfter: TimeSpan.Zero);

        var failure = await Failure(Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password"))));

        Assert.Equal(ErrorIds.KeyVaultThrottled, failure.ErrorId);
        Assert.True(failure.IsTransient);
        Assert.Equal(4, _vault.Reads("db-password")); // the first try and the client's three retries
    }

    [Fact]
    public async Task Resolve_ServerError_ShouldBeATransientRequestFailure()
    {
        _vault.SetSecret("db-password", Planted);
        _vault.Fail(500, count: 10);

        var failure = await Failure(Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password"))));

        Assert.Equal(ErrorIds.KeyVaultRequestFailed, failure.ErrorId);
        Assert.True(failure.IsTransient);
        Assert.Contains("answered 500", failure.Message);
    }

    [Fact]
    public async Task Resolve_VaultThatDoesNotAnswer_ShouldBeARequestFailure()
    {
        var failure = await Failure(Load(
            ("VMEVENTOPS_KEYVAULTALLOWEDHOSTS", "127.0.0.1:9"), ("VMEVENTOPS_DBPASSWORD", "@Microsoft.KeyVault(SecretUri=https://127.0.0.1:9/secrets/db-password)")));

        Assert.Equal(ErrorIds.KeyVaultRequestFailed, failure.ErrorId);
        Assert.Contains("could not be reached", failure.Message);
        Assert.Contains("Key Vault '127.0.0.1:9'", failure.Message);
    }

    [Fact]
    public async Task Resolve_ServicePrincipalSecretAsReferenceInServicePrincipalMode_ShouldSayToReadItWithAnotherIdentity()
    {
        var configuration = Load(
            ("VMEVENTOPS_AUTHMODE", "ServicePrincipal"), ("VMEVENTOPS_TENANTID", SafeIdentityEnvironment.Emulator.TenantId),
            ("VMEVENTOPS_CLIENTID", Guid.NewGuid().ToString()), ("VMEVENTOPS_CLIENTSECRET", Reference("sp-secret")));

        var failure = await Failure(configuration);

        Assert.Equal(ErrorIds.KeyVaultReferenceInvalid, failure.ErrorId);
        Assert.Contains("Setting ClientSecret", failure.Message);
        Assert.Contains("AuthMode Auto, ManagedIdentity, WorkloadIdentity or AzureCli", failure.Message);
    }

    [Fact]
    public async Task Validate_ShouldReadEveryReferenceNowAndReportEachOneWithoutItsValue()
    {
        _vault.SetSecret("db-password", Planted);
        await Resolve(Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password")))); // cached now: Validate must read again anyway
        var configuration = Load(("VMEVENTOPS_OTLPHEADERS", Reference("missing-headers")));

        var validation = await VmEventEngine.Secrets.ValidateAsync(configuration, _log, CancellationToken.None);

        var password = validation.Settings.Single(s => s.Name == "DbPassword");
        Assert.True(password.Resolved);
        Assert.Equal("***", password.Value);
        Assert.False(validation.Settings.Single(s => s.Name == "OtlpHeaders").Resolved);
        Assert.Null(validation.Settings.Single(s => s.Name == "MaxAttempts").Resolved);
        Assert.Equal(ErrorIds.KeyVaultSecretNotFound, Assert.Single(validation.Failures).ErrorId);
        Assert.Equal(2, _vault.Reads("db-password"));
        Assert.DoesNotContain(Planted, string.Join("\n", validation.Settings.Select(s => s.ToString())));
    }

    [Fact]
    public async Task SecretSource_ShouldPickUpARotatedSecretAfterTheCachePeriodAndKeepTheLastValueWhileTheVaultFails()
    {
        _vault.SetSecret("db-password", "first-password");
        var resolved = await Resolve(Load(("VMEVENTOPS_DBPASSWORD", Reference("db-password")), ("VMEVENTOPS_KEYVAULTCACHEDURATION", "0")));
        var source = VmEventEngine.Secrets.SecretSource(resolved, "DbPassword", _log);
        Assert.Equal("first-password", resolved.Options.DbPassword);

        _vault.SetSecret("db-password", Planted);
        Assert.Equal(Planted, await source(CancellationToken.None));

        _vault.Fail(403, count: 2);
        Assert.Equal(Planted, await source(CancellationToken.None));
        Assert.Equal(Planted, await source(CancellationToken.None));
        var outage = Assert.Single(_log.Warnings);
        Assert.Contains("'Key Vault Secrets User'", outage);
        Assert.Contains("is used until the vault can be read again", outage);

        _vault.SetSecret("db-password", "third-password");
        Assert.Equal("third-password", await source(CancellationToken.None));
        Assert.Equal(2, _log.Warnings.Count());
        Assert.DoesNotContain(Planted, _log.AllText);
    }

    [Fact]
    public async Task SecretSource_ForASettingWithoutAReference_ShouldGiveItsValue()
    {
        var resolved = await Resolve(Load(("VMEVENTOPS_DBPASSWORD", "written-in-the-setting")));

        Assert.Equal("written-in-the-setting", await VmEventEngine.Secrets.SecretSource(resolved, "DbPassword", _log)(CancellationToken.None));
        Assert.Equal(0, _vault.Requests);
    }
}
