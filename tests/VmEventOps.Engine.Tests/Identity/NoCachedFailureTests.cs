using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VmEventOps.Emulators;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Identity;

/// <summary>No failure is kept for the life of the process: what failed is tried again on the next call.</summary>
public sealed class NoCachedFailureTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string StorageToken(DateTimeOffset now, TimeSpan lifetime) => UnsignedJwt.Create(UnsignedJwt.ManagedIdentityClaims(
        "https://storage.azure.com/", "72f988bf-86f1-41af-91ab-2d7cd011db47", Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), "/x", now, lifetime));

    [Fact]
    public async Task Send_AfterTheCredentialFailedAtTheFirstSendToAQueue_ShouldTryTheCredentialAgain()
    {
        // A queue service nobody answers at: once a token is there, the send fails at storage, not at the credential.
        var service = new Uri($"https://127.0.0.1:9/acct{Guid.NewGuid():n}");
        var options = new VmEventOptions { QueueServiceUri = service, StorageAllowedHosts = [service.Authority], AuthMode = AuthMode.Token };
        var expired = options with { AccessToken = StorageToken(DateTimeOffset.UtcNow.AddHours(-2), TimeSpan.FromHours(1)) };
        var valid = options with { AccessToken = StorageToken(DateTimeOffset.UtcNow, TimeSpan.FromHours(1)) };

        var first = await Assert.ThrowsAsync<VmEventOpsException>(() => VmEventEngine.For(expired).Queues(NullHostLog.Instance).SendAsync(QueueKind.Main, "{}", null, CancellationToken.None));
        var second = await Assert.ThrowsAsync<VmEventOpsException>(() => VmEventEngine.For(valid).Queues(NullHostLog.Instance).SendAsync(QueueKind.Main, "{}", null, CancellationToken.None));

        Assert.Equal(ErrorIds.AuthTokenExpired, first.ErrorId);
        Assert.Equal(ErrorIds.StorageRequestFailed, second.ErrorId);
    }

    [Fact]
    public void For_WithAWrongCertificatePasswordThenTheRightOne_ShouldReportTheFirstAndUseTheSecond()
    {
        const string password = "Right-Pfx-Password-3e9a";
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=vmeventops-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = _temp.Write("sp.pfx", string.Empty);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        var options = new VmEventOptions
        {
            AuthMode = AuthMode.ServicePrincipal, TenantId = Guid.NewGuid().ToString(), ClientId = Guid.NewGuid().ToString(), ClientCertificatePath = path,
        };

        var wrong = Assert.Throws<VmEventOpsException>(() => VmEventEngine.For(options with { ClientCertificatePassword = "Wrong-Pfx-Password-11" }).Tokens);
        var provider = VmEventEngine.For(options with { ClientCertificatePassword = password }).Tokens;

        Assert.Equal(ErrorIds.AuthCertificateInvalid, wrong.ErrorId);
        Assert.Contains(path, wrong.Message);
        Assert.DoesNotContain("Wrong-Pfx-Password-11", wrong.ToString());
        Assert.NotNull(provider.Credential);
    }

    [Fact]
    public void IdentityKey_ShouldDifferInEverySettingTheCatalogMarksAsIdentity()
    {
        var identity = SettingsCatalog.All.Where(s => s.IsIdentity).ToArray();
        var baseline = TokenProvider.IdentityKey(new VmEventOptions());

        Assert.Contains(identity, s => s.Name == nameof(VmEventOptions.ClientCertificatePassword));
        Assert.Contains(identity, s => s.Name == nameof(VmEventOptions.ClientCertificatePath));
        Assert.Contains(identity, s => s.Name == nameof(VmEventOptions.AccessToken));
        foreach (var setting in identity)
        {
            var options = new VmEventOptions();
            setting.Property.SetValue(options, SampleValue(setting));
            var key = TokenProvider.IdentityKey(options);
            Assert.True(key != baseline, $"{setting.Name} is not part of the identity key.");
            if (setting.IsSecret) Assert.DoesNotContain((string)SampleValue(setting), key);
        }
    }

    private static object SampleValue(SettingDefinition setting) => setting.Name switch
    {
        nameof(VmEventOptions.AuthMode) => AuthMode.Token,
        nameof(VmEventOptions.KeyVaultDnsSuffix) => "vault.azure.cn",
        nameof(VmEventOptions.TenantId) or nameof(VmEventOptions.ClientId) or nameof(VmEventOptions.ManagedIdentityClientId) => Guid.NewGuid().ToString(),
        nameof(VmEventOptions.ManagedIdentityResourceId) => "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a",
        _ when setting.Property.PropertyType == typeof(Uri) => new Uri("https://sample.example.test/"),
        _ => "sample-value-" + setting.Name,
    };
}
