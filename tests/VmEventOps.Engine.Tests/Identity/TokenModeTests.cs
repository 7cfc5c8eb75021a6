using VmEventOps.Emulators;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Identity;

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class TokenModeTests
{
    private static string Jwt(DateTimeOffset expires) => UnsignedJwt.Create(new Dictionary<string, object>
    {
        ["aud"] = "https://management.azure.com/",
        ["tid"] = "00000000-1111-2222-3333-444444444444",
        ["oid"] = "99999999-8888-7777-6666-555555555555",
        ["appid"] = "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
        ["idtyp"] = "user",
        ["exp"] = expires.ToUnixTimeSeconds(),
    });

    private static Task<VmAccessToken> Get(string token) =>
        new TokenProvider(new VmEventOptions { AuthMode = AuthMode.Token, AccessToken = token }, TimeProvider.System)
            .GetTokenAsync(new AccessTokenRequest { AsPlainText = true }, NullHostLog.Instance, CancellationToken.None);

    [Fact]
    public async Task GetToken_WithAJwtPassedIn_ShouldReadItsClaimsAndExpiry()
    {
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        var jwt = Jwt(expires);

        var token = await Get(jwt);

        Assert.Equal(jwt, token.Token);
        Assert.Equal(AuthMode.Token, token.AuthMode);
        Assert.Equal(expires.ToUnixTimeSeconds(), token.ExpiresOn.ToUnixTimeSeconds());
        Assert.Equal("00000000-1111-2222-3333-444444444444", token.TenantId);
        Assert.Equal("99999999-8888-7777-6666-555555555555", token.ObjectId);
        Assert.Equal("04b07795-8ddb-461a-bbee-02f9e1bf7b46", token.ClientId);
        Assert.Equal("user", token.IdentityType);
    }

    [Fact]
    public async Task GetToken_WithAnExpiredJwt_ShouldRefuseItClearlyWithoutShowingIt()
    {
        var jwt = Jwt(DateTimeOffset.UtcNow.AddMinutes(-1));

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Get(jwt));

        Assert.Equal(ErrorIds.AuthTokenExpired, error.ErrorId);
        Assert.Contains("expired at", error.Message);
        Assert.DoesNotContain(jwt, error.ToString());
    }

    [Fact]
    public async Task GetToken_WithATokenThatIsNotAJwt_ShouldRefuseItForItNamesNoAudience()
    {
        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Get("opaque-token-value"));

        Assert.Equal(ErrorIds.AuthTokenWrongAudience, error.ErrorId);
        Assert.Contains("names no audience", error.Message);
        Assert.DoesNotContain("opaque-token-value", error.ToString());
    }

    [Theory]
    [InlineData("https://vault.azure.net")]
    [InlineData("https://storage.azure.com/")]
    [InlineData("https://evil.example.test")]
    public async Task GetToken_ForAnotherAudienceThanItsAudClaim_ShouldRefuseAndSendNothing(string resource)
    {
        var jwt = Jwt(DateTimeOffset.UtcNow.AddHours(1));   // aud: ARM
        var provider = new TokenProvider(new VmEventOptions { AuthMode = AuthMode.Token, AccessToken = jwt }, TimeProvider.System);

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() =>
            provider.GetTokenAsync(new AccessTokenRequest { Resource = resource, AsPlainText = true }, NullHostLog.Instance, CancellationToken.None));
        var direct = Assert.Throws<VmEventOpsException>(() => provider.Credential.GetToken(new Azure.Core.TokenRequestContext([TokenProvider.ScopeFor(resource)]), CancellationToken.None));

        Assert.Equal(ErrorIds.AuthTokenWrongAudience, error.ErrorId);
        Assert.Equal(ErrorIds.AuthTokenWrongAudience, direct.ErrorId);
        Assert.Contains("is for https://management.azure.com/", error.Message);
        Assert.DoesNotContain(jwt, error.ToString());
    }

    [Theory]
    [InlineData("https://management.azure.com/")]
    [InlineData("https://management.azure.com")]
    [InlineData("https://management.core.windows.net/")]
    public async Task GetToken_ForTheAudienceOfItsAudClaim_ShouldGiveIt(string resource)
    {
        var jwt = Jwt(DateTimeOffset.UtcNow.AddHours(1));
        var token = await new TokenProvider(new VmEventOptions { AuthMode = AuthMode.Token, AccessToken = jwt }, TimeProvider.System)
            .GetTokenAsync(new AccessTokenRequest { Resource = resource, AsPlainText = true }, NullHostLog.Instance, CancellationToken.None);

        Assert.Equal(jwt, token.Token);
    }

    [Fact]
    public void For_TokenModeWithoutAToken_ShouldFailSayingWhatToSet()
    {
        var error = Assert.Throws<VmEventOpsException>(() => VmEventEngine.For(new VmEventOptions { AuthMode = AuthMode.Token }).Tokens);

        Assert.Equal(ErrorIds.AuthNotConfigured, error.ErrorId);
        Assert.Contains("VMEVENTOPS_ACCESSTOKEN", error.Message);
    }

    [Fact]
    public void For_ServicePrincipalWithoutASecret_ShouldFailSayingWhatToSet()
    {
        var error = Assert.Throws<VmEventOpsException>(() => VmEventEngine.For(new VmEventOptions
        {
            AuthMode = AuthMode.ServicePrincipal, TenantId = "contoso.onmicrosoft.com", ClientId = Guid.NewGuid().ToString(),
        }).Tokens);

        Assert.Equal(ErrorIds.AuthNotConfigured, error.ErrorId);
        Assert.Contains("ClientSecret", error.Message);
    }
}

public sealed class TokenProviderAudienceTests
{
    [Theory]
    [InlineData(TokenResourceType.Arm, "https://management.azure.com/")]
    [InlineData(TokenResourceType.Storage, "https://storage.azure.com/")]
    [InlineData(TokenResourceType.KeyVault, "https://vault.azure.net")]
    [InlineData(TokenResourceType.Sql, "https://database.windows.net/")]
    public void AudienceFor_InThePublicCloud_ShouldBeTheServicesAudience(TokenResourceType type, string audience) =>
        Assert.Equal(audience, new TokenProvider(new VmEventOptions(), TimeProvider.System).AudienceFor(type));

    [Fact]
    public void AudienceFor_Arm_ShouldFollowTheConfiguredEndpointOrAudience()
    {
        Assert.Equal("https://management.usgovcloudapi.net/",
            new TokenProvider(new VmEventOptions { ArmEndpoint = new Uri("https://management.usgovcloudapi.net/") }, TimeProvider.System).AudienceFor(TokenResourceType.Arm));
        Assert.Equal("https://management.core.usgovcloudapi.net/",
            new TokenProvider(new VmEventOptions { ArmEndpoint = new Uri("https://127.0.0.1:8443/"), ArmAudience = new Uri("https://management.core.usgovcloudapi.net/") }, TimeProvider.System).AudienceFor(TokenResourceType.Arm));
    }

    [Theory]
    [InlineData("https://vault.azure.net", "https://vault.azure.net/.default")]
    [InlineData("https://management.azure.com/", "https://management.azure.com/.default")]
    [InlineData("https://x/.default", "https://x/.default")]
    public void ScopeFor_ShouldAppendDefaultOnce(string resource, string scope) => Assert.Equal(scope, TokenProvider.ScopeFor(resource));
}
