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
        Assert.Equal("kv-onboarding", reference.VaultName);
        Assert.Equal("db-password", reference.SecretName);
        Assert.Null(reference.Version);
        Assert.Equal("KeyVault(kv-onboarding/db-password)", reference.ToString());
        Assert.False(reference.IsLoopback);
    }

    [Fact]
    public void TryParse_SecretUriWithVersion_ShouldPinTheVersion()
    {
        var reference = Parse("  @microsoft.keyvault(secreturi=https://kv-onboarding.vault.azure.net/secrets/db-password/ec96f02080254f109c51a1f14cdb1931)  ");

        Assert.Equal("ec96f02080254f109c51a1f14cdb1931", reference.Version);
        Assert.Equal("KeyVault(kv-onboarding/db-password/ec96f02080254f109c51a1f14cdb1931)", reference.ToString());
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
        Assert.Equal(loopback, KeyVaultSecretReader.ClientOptions(new Uri(vault)).DisableChallengeResourceVerification);
    }

    [Theory]
    [InlineData("@Microsoft.KeyVault(SecretUri=http://kv.vault.azure.net/secrets/a)", "https")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://user:pw@kv.vault.azure.net/secrets/a)", "https")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/keys/a)", "/secrets/{name}")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/a/b/c)", "/secrets/{name}")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/bad_name)", "not a secret name")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/a;SecretName=b)", "cannot be combined")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-onboarding)", "needs both VaultName and SecretName")]
    [InlineData("@Microsoft.KeyVault(VaultName=1kv;SecretName=a)", "not a vault name")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-onboarding;SecretName=a;SecretName=b)", "twice")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-onboarding;Secret=a)", "'Secret' is not a part")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-onboarding;SecretName=a", "@Microsoft.KeyVault(SecretUri=")]
    public void TryParse_Malformed_ShouldSayWhatIsWrong(string text, string expected)
    {
        Assert.Contains(expected, Problem(text));
    }

    [Theory]
    [InlineData("@Microsoft.KeyVault(", true)]
    [InlineData(" @microsoft.KEYVAULT(SecretUri=x)", true)]
    [InlineData("p@Microsoft.KeyVault(", false)]
    [InlineData("plain-password", false)]
    [InlineData(null, false)]
    public void IsReference_ShouldRecogniseTheFormByItsPrefix(string? text, bool expected) =>
        Assert.Equal(expected, KeyVaultReference.IsReference(text));
}
