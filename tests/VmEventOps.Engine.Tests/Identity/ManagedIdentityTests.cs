using VmEventOps.Emulators;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Identity;

/// <summary>
/// The real ManagedIdentityCredential (Azure.Identity, MSAL) against the loopback emulator, as on App Service.
/// The emulator is process-wide (see <see cref="SafeIdentityEnvironment"/>), so request counts are deltas.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ManagedIdentityTests : IDisposable
{
    private readonly ManagedIdentityEmulator _emulator = SafeIdentityEnvironment.Emulator;
    private readonly int _requestsBefore = SafeIdentityEnvironment.Emulator.AppServiceRequests;

    // MSAL keeps managed identity tokens in a process-wide cache keyed by identity and resource: a resource
    // of each test's own makes the credential ask the endpoint.
    private readonly string _resource = $"https://test-{Guid.NewGuid():n}.example/";

    private int Requests => _emulator.AppServiceRequests - _requestsBefore;

    public void Dispose() => _emulator.TokenLifetime = TimeSpan.FromHours(24);

    private static TokenProvider Provider(VmEventOptions options) => new(options, TimeProvider.System);

    private Task<VmAccessToken> Get(TokenProvider provider, AccessTokenRequest? request = null) =>
        provider.GetTokenAsync((request ?? new AccessTokenRequest()) with { Resource = (request?.Resource ?? _resource) }, NullHostLog.Instance, CancellationToken.None);

    [Fact]
    public async Task GetToken_SystemAssigned_ShouldReturnTheTokenWithItsClaimsAndThenServeItFromTheCache()
    {
        var provider = Provider(new VmEventOptions { AuthMode = AuthMode.ManagedIdentity });

        var first = await Get(provider, new AccessTokenRequest { AsPlainText = true });
        var second = await Get(provider, new AccessTokenRequest { AsPlainText = true });

        Assert.Equal(AuthMode.ManagedIdentity, first.AuthMode);
        Assert.Equal(_emulator.SystemAssigned.ObjectId, first.ObjectId);
        Assert.Equal(_emulator.SystemAssigned.ClientId, first.ClientId);
        Assert.Equal(_emulator.TenantId, first.TenantId);
        Assert.Equal("app", first.IdentityType);
        Assert.Equal(_resource, first.Resource);
        Assert.InRange(first.ExpiresOn - DateTimeOffset.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Token, second.Token);
        Assert.Equal(1, Requests);
    }

    [Fact]
    public async Task GetToken_UserAssignedByClientId_ShouldActAsThatIdentity()
    {
        var identity = _emulator.AddUserAssigned("id-onboarding");
        var provider = Provider(new VmEventOptions { AuthMode = AuthMode.ManagedIdentity, ManagedIdentityClientId = identity.ClientId });

        var token = await Get(provider, new AccessTokenRequest { Resource = "https://storage.azure.com/" });

        Assert.Equal(identity.ClientId, token.ClientId);
        Assert.Equal(identity.ObjectId, token.ObjectId);
        Assert.Equal("https://storage.azure.com/", token.Resource);
        Assert.IsType<System.Security.SecureString>(token.Token);
    }

    [Fact]
    public async Task GetToken_UserAssignedByResourceId_ShouldActAsThatIdentity()
    {
        var identity = _emulator.AddUserAssigned("id-by-resource");
        var provider = Provider(new VmEventOptions { AuthMode = AuthMode.ManagedIdentity, ManagedIdentityResourceId = identity.ResourceId });

        Assert.Equal(identity.ClientId, (await Get(provider)).ClientId);
    }

    [Fact]
    public async Task GetToken_UnknownUserAssignedIdentity_ShouldFailClearlyWithoutTheHeaderSecret()
    {
        var provider = Provider(new VmEventOptions { AuthMode = AuthMode.ManagedIdentity, ManagedIdentityClientId = Guid.NewGuid().ToString() });

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Get(provider));

        Assert.Equal(ErrorIds.AuthFailed, error.ErrorId);
        Assert.Equal(VmErrorCategory.AuthenticationError, error.Category);
        Assert.Contains("ManagedIdentity", error.Message);
        Assert.DoesNotContain(_emulator.IdentityHeader, error.ToString());
    }

    [Fact]
    public async Task GetToken_WithAWrongIdentityHeader_ShouldFailClearly()
    {
        // MSAL reads IDENTITY_HEADER at every request (the source it detected once stays App Service).
        using var wrong = new EnvironmentScope().Set("IDENTITY_HEADER", "not-the-secret");
        var provider = Provider(new VmEventOptions { AuthMode = AuthMode.ManagedIdentity });

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Get(provider));

        Assert.Equal(ErrorIds.AuthFailed, error.ErrorId);
        Assert.Contains($"could not get a token for {_resource.TrimEnd('/')}/.default", error.Message);
    }

    [Fact]
    public async Task GetToken_FiftyCallersAtOnce_ShouldCostOneRequest()
    {
        var provider = Provider(new VmEventOptions { AuthMode = AuthMode.ManagedIdentity });

        var tokens = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Get(provider, new AccessTokenRequest { AsPlainText = true }))));

        Assert.Single(tokens.Select(t => (string)t.Token).Distinct());
        Assert.Equal(1, Requests);
    }

    [Fact]
    public async Task GetToken_WhenTheCachedTokenHasLessThanFiveMinutesLeft_ShouldFetchANewOne()
    {
        _emulator.TokenLifetime = TimeSpan.FromMinutes(4);
        var provider = Provider(new VmEventOptions { AuthMode = AuthMode.ManagedIdentity });

        var first = await Get(provider);
        var second = await Get(provider);

        Assert.False(first.FromCache);
        Assert.False(second.FromCache);
        Assert.Equal(2, Requests);
    }

    [Fact]
    public async Task GetToken_AfterAServerErrorAndThrottling_ShouldRetryAndSucceed()
    {
        _emulator.FailNext(500);
        _emulator.FailNext(429, retryAfter: TimeSpan.FromSeconds(1));
        var provider = Provider(new VmEventOptions { AuthMode = AuthMode.ManagedIdentity });

        var token = await Get(provider);

        Assert.Equal(_emulator.SystemAssigned.ClientId, token.ClientId);
        Assert.Equal(3, Requests);
    }

    [Fact]
    public async Task GetToken_InAutoModeOnAppService_ShouldReportManagedIdentityAsTheModeThatAnswered()
    {
        var provider = Provider(new VmEventOptions { AuthMode = AuthMode.Auto });

        Assert.Equal(AuthMode.ManagedIdentity, (await Get(provider)).AuthMode);
    }
}
