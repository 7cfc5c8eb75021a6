using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.KeyVault;

namespace VmEventOps.Engine.Tests.KeyVault;

public sealed class KeyVaultReferenceTests
{
    private static KeyVaultReference Parse(string text)
    {
        Assert.True(KeyVaultReference.TryParse(text, out var reference, out var problem), problem);
        return reference!;
    }

    private static string Problem(string text)
    {
        Assert.False(KeyVaultReference.TryParse(text, out var reference, out var problem));
        Assert.Null(reference);
        return problem!;
    }

    [Fact]
    public void TryParse_SecretUri_ShouldGiveTheVaultTheNameAndNoVersion()
    {
        var reference = Parse("@Microsoft.KeyVault(SecretUri=https://kv-onboarding.vault.azure.net/secrets/db-password/)");

        Assert.Equal(new Uri("https://kv-onboarding.vault.azure.net/"), reference.VaultUriIn("ignored.example"));
        Assert.Equal("kv-onboarding.vault.azure.net", reference.VaultName);
        Assert.Equal("db-password", reference.SecretName);
        Assert.Null(reference.Version);
        Assert.Equal("KeyVault(kv-onboarding.vault.azure.net/db-password)", reference.ToString());
        Assert.False(reference.IsLoopback);
    }

    [Fact]
    public void TryParse_SecretUriWithVersion_ShouldPinTheVersion()
    {
        var reference = Parse("  @microsoft.keyvault(secreturi=https://kv-onboarding.vault.azure.net/secrets/db-password/ec96f02080254f109c51a1f14cdb1931)  ");

        Assert.Equal("ec96f02080254f109c51a1f14cdb1931", reference.Version);
        Assert.Equal("KeyVault(kv-onboarding.vault.azure.net/db-password/ec96f02080254f109c51a1f14cdb1931)", reference.ToString());
    }

    [Fact]
    public void TryParse_VaultNameForm_ShouldBuildTheVaultUriFromTheCloudsSuffix()
    {
        var reference = Parse("@Microsoft.KeyVault(VaultName=KV-Onboarding; SecretName=db-password; SecretVersion=abc123)");

        Assert.Equal(new Uri("https://kv-onboarding.vault.azure.net/"), reference.VaultUriIn("vault.azure.net"));
        Assert.Equal(new Uri("https://kv-onboarding.vault.azure.cn/"), reference.VaultUriIn("vault.azure.cn"));
        Assert.Equal("abc123", reference.Version);
        Assert.Null(reference.VaultUri);
    }

    [Theory]
    [InlineData("https://127.0.0.1:8443/", true)]
    [InlineData("https://localhost:8443/", true)]
    [InlineData("https://[::1]:8443/", true)]
    [InlineData("https://kv-onboarding.vault.azure.net/", false)]
    [InlineData("https://127.0.0.1.nip.io/", false)]
    [InlineData("https://localhost.attacker.example/", false)]
    public void IsLoopback_ShouldHoldOnlyForAddressesOfThisMachine(string vault, bool loopback)
    {
        var reference = Parse($"@Microsoft.KeyVault(SecretUri={vault}secrets/db-password)");

        Assert.Equal(loopback, reference.IsLoopback);
    }

    [Theory]
    [InlineData("https://kv1.vault.azure.net.evil.example.test/secrets/dbpass", "KeyVault(kv1.vault.azure.net.evil.example.test/dbpass)")]
    [InlineData("https://evil.example.test/secrets/x", "KeyVault(evil.example.test/x)")]
    [InlineData("https://kv1.vault.azure.net:8443/secrets/dbpass", "KeyVault(kv1.vault.azure.net:8443/dbpass)")]
    [InlineData("https://KV1.Vault.Azure.Net/secrets/dbpass", "KeyVault(kv1.vault.azure.net/dbpass)")]
    public void ToString_SecretUriForm_ShouldShowTheRealHostWhole(string secretUri, string shown) =>
        Assert.Equal(shown, Parse($"@Microsoft.KeyVault(SecretUri={secretUri})").ToString());

    [Theory]
    [InlineData("https://kv1.vault.azure.net/", "", true)]
    [InlineData("https://kv1.vault.azure.net.evil.example.test/", "", false)]
    [InlineData("https://evil.example.test/", "", false)]
    [InlineData("https://vault.azure.net/", "", false)]
    [InlineData("https://evilvault.azure.net/", "", false)]
    [InlineData("https://127.0.0.1:8443/", "", false)]
    [InlineData("https://localhost:8443/", "", false)]
    [InlineData("https://127.0.0.1:8443/", "127.0.0.1:8443", true)]
    [InlineData("https://127.0.0.1:8443/", "127.0.0.1", true)]
    [InlineData("https://127.0.0.1:8443/", "127.0.0.1:9443", false)]
    [InlineData("https://127.0.0.1:8443/", "*.0.0.1", false)]
    [InlineData("https://[::1]:8443/", "[::1]:8443", true)]
    [InlineData("https://kv1.privatelink.vaultcore.azure.net/", "*.privatelink.vaultcore.azure.net", true)]
    [InlineData("https://privatelink.vaultcore.azure.net/", "*.privatelink.vaultcore.azure.net", false)]
    [InlineData("https://kv1.privatelink.vaultcore.azure.net.evil.example.test/", "*.privatelink.vaultcore.azure.net", false)]
    public void HostPolicy_ShouldAllowOnlyVaultsOfTheCloudAndListedHosts(string vault, string allowed, bool expected)
    {
        var options = new VmEventOptions { KeyVaultAllowedHosts = allowed.Split(',', StringSplitOptions.RemoveEmptyEntries) };

        Assert.Equal(expected, KeyVaultHostPolicy.IsAllowed(new Uri(vault), options));
        // The SDK's own check of the challenge stays on for the cloud's vaults; a listed host relies on the guarded credential.
        if (expected) Assert.Equal(!KeyVaultHostPolicy.IsVaultOfCloud(new Uri(vault), options), KeyVaultSecretReader.ClientOptions(KeyVaultHostPolicy.IsVaultOfCloud(new Uri(vault), options)).DisableChallengeResourceVerification);
    }

    [Theory]
    [InlineData("@Microsoft.KeyVault(SecretUri=http://kv.vault.azure.net/secrets/a)", "https")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://user:pw@kv.vault.azure.net/secrets/a)", "https")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/keys/a)", "/secrets/{name}")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/a/b/c)", "/secrets/{name}")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/bad_name)", "the secret name is not one")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/a;SecretName=b)", "cannot be combined")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-onboarding)", "needs both VaultName and SecretName")]
    [InlineData("@Microsoft.KeyVault(VaultName=1kv;SecretName=a)", "VaultName is not a vault name")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-onboarding;SecretName=a;SecretName=b)", "twice")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-onboarding;Secret=a)", "part 2 is not one of SecretUri, VaultName, SecretName and SecretVersion")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-onboarding;SecretName=a", "@Microsoft.KeyVault(SecretUri=")]
    public void TryParse_Malformed_ShouldSayWhatIsWrong(string text, string expected)
    {
        Assert.Contains(expected, Problem(text));
    }

    [Theory]
    [InlineData("@Microsoft.KeyVault(Pl4nted-Pasted-Secret-9b1e)")]
    [InlineData("@Microsoft.KeyVault(VaultName=Pl4nted-Pasted-Secret-9b1e;SecretName=a)")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-onboarding;SecretName=Pl4nted-Pasted-Secret-9b1e!)")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-onboarding;SecretName=a;SecretVersion=Pl4nted-Pasted-Secret-9b1e)")]
    public void TryParse_Malformed_ShouldRepeatNothingOfTheReference(string text) =>
        Assert.DoesNotContain("Pl4nted", Problem(text), StringComparison.OrdinalIgnoreCase);

    [Theory]
    [InlineData("@Microsoft.KeyVault(", true)]
    [InlineData(" @microsoft.KEYVAULT(SecretUri=x)", true)]
    [InlineData("p@Microsoft.KeyVault(", false)]
    [InlineData("plain-password", false)]
    [InlineData(null, false)]
    public void IsReference_ShouldRecogniseTheFormByItsPrefix(string? text, bool expected) =>
        Assert.Equal(expected, KeyVaultReference.IsReference(text));
}
