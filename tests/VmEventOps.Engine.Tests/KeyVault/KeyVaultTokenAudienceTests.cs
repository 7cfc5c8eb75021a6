using System.Collections;
using VmEventOps.Emulators;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.KeyVault;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.KeyVault;

/// <summary>
/// Which host gets which token: the managed identity emulator records every resource a token is asked for, each Key Vault
/// emulator the audience of every bearer token it is shown. A token goes only to the service it is for.
/// </summary>
public sealed class KeyVaultTokenAudienceTests : IAsyncLifetime
{
    private const string Planted = "Planted-Vault-Secret-51d0c7";
    private readonly RecordingHostLog _log = new();
    private KeyVaultEmulator _vault = null!;
    private KeyVaultEmulator _rogue = null!;

    public async Task InitializeAsync()
    {
        _vault = await KeyVaultEmulator.StartAsync(TestTrust.Certificate, SafeIdentityEnvironment.Emulator.TenantId);
        // A server that is no vault: its challenge asks for a token of another audience (its own).
        _rogue = await KeyVaultEmulator.StartAsync(TestTrust.Certificate, SafeIdentityEnvironment.Emulator.TenantId);
        _rogue.ChallengeResource = "https://rogue-" + Guid.NewGuid().ToString("n")[..8] + ".example.test";
        _vault.SetSecret("db-password", Planted);
        _rogue.SetSecret("db-password", Planted);
    }

    public async Task DisposeAsync()
    {
        await _vault.DisposeAsync();
        await _rogue.DisposeAsync();
    }

    private VmEventConfiguration Load(params (string Variable, string Value)[] variables)
    {
        var environment = new Hashtable { ["VMEVENTOPS_AUTHMODE"] = "ManagedIdentity" };
        foreach (var (variable, value) in variables) environment[variable] = value;
        return new ConfigurationLoader(_log, () => environment).Load(new ConfigurationRequest());
    }

    private static string Reference(Uri vault, string name = "db-password") => $"@Microsoft.KeyVault(SecretUri={vault}secrets/{name})";

    [Fact]
    public async Task Resolve_FromAListedVault_ShouldAskForAndSendOnlyKeyVaultTokens()
    {
        var resolved = await VmEventEngine.Secrets.ResolveAsync(
            Load(("VMEVENTOPS_KEYVAULTALLOWEDHOSTS", _vault.VaultUri.Authority), ("VMEVENTOPS_DBPASSWORD", Reference(_vault.VaultUri))), _log, CancellationToken.None);

        Assert.Equal(Planted, resolved.Options.DbPassword);
        Assert.NotEmpty(_vault.BearerAudiences);
        Assert.All(_vault.BearerAudiences, aud => Assert.Equal(KeyVaultEmulator.Audience, aud));
        Assert.Contains(KeyVaultEmulator.Audience, SafeIdentityEnvironment.Emulator.RequestedResources);
    }

    [Fact]
    public async Task Resolve_FromAHostWhoseChallengeNamesAnotherAudience_ShouldNeitherAskForNorSendThatToken()
    {
        var configuration = Load(("VMEVENTOPS_KEYVAULTALLOWEDHOSTS", _rogue.VaultUri.Authority), ("VMEVENTOPS_DBPASSWORD", Reference(_rogue.VaultUri)));

        var failure = await Assert.ThrowsAsync<VmEventOpsException>(() => VmEventEngine.Secrets.ResolveAsync(configuration, _log, CancellationToken.None));

        Assert.Equal(ErrorIds.KeyVaultRequestFailed, failure.ErrorId);
        Assert.Contains("no token was sent", failure.Message);
        Assert.True(_rogue.Challenges >= 1);
        Assert.Empty(_rogue.BearerAudiences);
        Assert.DoesNotContain(_rogue.ChallengeResource, SafeIdentityEnvironment.Emulator.RequestedResources);
    }

    [Fact]
    public void Load_LoopbackVaultNotListed_ShouldBeRefusedBeforeAnyRequest()
    {
        var failure = Assert.Throws<VmEventOpsException>(() => Load(("VMEVENTOPS_DBPASSWORD", Reference(_vault.VaultUri))));

        Assert.Equal(ErrorIds.KeyVaultHostNotAllowed, failure.ErrorId);
        Assert.Contains("KeyVaultAllowedHosts", failure.Message);
        Assert.Equal(0, _vault.Requests);
    }

    [Theory]
    [InlineData("https://evil.example.test/secrets/x", "evil.example.test")]
    [InlineData("https://kv1.vault.azure.net.evil.example.test/secrets/dbpass", "kv1.vault.azure.net.evil.example.test")]
    [InlineData("https://vault.azure.net/secrets/dbpass", "vault.azure.net")]
    public void Load_ReferenceToAHostOutsideTheCloudsVaults_ShouldBeRefusedNamingTheRealHost(string secretUri, string host)
    {
        var failure = Assert.Throws<VmEventOpsException>(() => Load(("VMEVENTOPS_DBPASSWORD", $"@Microsoft.KeyVault(SecretUri={secretUri})")));

        Assert.Equal(ErrorIds.KeyVaultHostNotAllowed, failure.ErrorId);
        Assert.Contains($"KeyVault({host}/", failure.Message);
        Assert.Contains($"but {host} is not a Key Vault of this cloud (*.vault.azure.net)", failure.Message);
    }

    [Fact]
    public void Load_ReferenceInTheCloudsVaultDomain_ShouldBeKeptForResolution()
    {
        var configuration = Load(("VMEVENTOPS_DBPASSWORD", "@Microsoft.KeyVault(SecretUri=https://kv1.vault.azure.net/secrets/dbpass)"));

        Assert.Equal("KeyVault(kv1.vault.azure.net/dbpass)", Assert.Single(configuration.KeyVaultReferences).Reference.ToString());
    }

    [Fact]
    public async Task Resolve_WithAnArmTokenPassedIn_ShouldSendItToNoVault()
    {
        var armToken = UnsignedJwt.Create(UnsignedJwt.ManagedIdentityClaims(
            "https://management.azure.com/", SafeIdentityEnvironment.Emulator.TenantId, Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), "/x", DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        var configuration = Load(
            ("VMEVENTOPS_AUTHMODE", "Token"), ("VMEVENTOPS_ACCESSTOKEN", armToken),
            ("VMEVENTOPS_KEYVAULTALLOWEDHOSTS", _vault.VaultUri.Authority), ("VMEVENTOPS_DBPASSWORD", Reference(_vault.VaultUri)));

        var failure = await Assert.ThrowsAsync<VmEventOpsException>(() => VmEventEngine.Secrets.ResolveAsync(configuration, _log, CancellationToken.None));

        Assert.Equal(ErrorIds.AuthTokenWrongAudience, failure.ErrorId);
        Assert.Empty(_vault.BearerAudiences);
        Assert.DoesNotContain(armToken, failure.ToString());
    }

    [Fact]
    public async Task Resolve_VaultAnsweringARedirect_ShouldSaySoInWords()
    {
        _vault.Fail(307, count: 5);
        var configuration = Load(("VMEVENTOPS_KEYVAULTALLOWEDHOSTS", _vault.VaultUri.Authority), ("VMEVENTOPS_DBPASSWORD", Reference(_vault.VaultUri)));

        var failure = await Assert.ThrowsAsync<VmEventOpsException>(() => VmEventEngine.Secrets.ResolveAsync(configuration, _log, CancellationToken.None));

        Assert.Equal(ErrorIds.KeyVaultRequestFailed, failure.ErrorId);
        Assert.Contains("answered 307, a redirect, which Key Vault never sends", failure.Message);
        Assert.DoesNotContain(" .", failure.Message);
    }
}
