using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Identity;

/// <summary>
/// Which host gets which token when the settings name ARM and Storage hosts: a recording HTTPS server on loopback (it keeps
/// the head of every request, so the audience of every bearer token it is shown) stands for a foreign host. ARM tokens go only to the
/// cloud's Resource Manager or a listed host, for an ARM audience; Storage tokens only to the cloud's storage or a listed host.
/// </summary>
public sealed class TokenTargetTests
{
    private static TinyHttpServer Server() => new(TestTrust.Certificate) { Status = 404 };

    private static Uri HostUri(TinyHttpServer server) => new($"https://127.0.0.1:{server.Port}/");

    // The aud claim of every bearer token the server was shown.
    private static string?[] BearerAudiences(TinyHttpServer server) => server.Requests
        .Select(head => head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Authorization: Bearer ", StringComparison.OrdinalIgnoreCase)))
        .Where(line => line is not null)
        .Select(line => JwtClaims.Read(line!["Authorization: Bearer ".Length..].Trim()).Audience)
        .ToArray();

    private static VmResourceId VmId => VmResourceId.Parse($"/subscriptions/{Guid.NewGuid()}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1");

    [Theory]
    [InlineData("https://vault.azure.net")]
    [InlineData("https://storage.azure.com")]
    public async Task Arm_WhenArmAudienceNamesAnotherService_ShouldSendNoTokenAndSaySo(string audience)
    {
        await using var server = Server();
        var options = new VmEventOptions
        {
            ArmEndpoint = HostUri(server), ArmAllowedHosts = [HostUri(server).Authority], ArmAudience = new Uri(audience), AuthMode = AuthMode.ManagedIdentity,
        };

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => VmEventEngine.For(options).Arm(NullHostLog.Instance).GetVmNetworkInfoAsync(VmId, CancellationToken.None));

        Assert.Equal(ErrorIds.TokenHostNotAllowed, error.ErrorId);
        Assert.Contains("ArmAudience", error.Message);
        Assert.Empty(BearerAudiences(server));
    }

    [Fact]
    public async Task Arm_WhenArmEndpointIsALoopbackHostNotListed_ShouldSendItOnlyArmTokensOfItsOwnAudience()
    {
        // An emulator on this machine, as the suite's and an admin's own test rigs point at: no allow-list entry needed.
        await using var server = Server();
        var options = new VmEventOptions { ArmEndpoint = HostUri(server), AuthMode = AuthMode.ManagedIdentity };

        await Assert.ThrowsAnyAsync<Exception>(() => VmEventEngine.For(options).Arm(NullHostLog.Instance).GetVmNetworkInfoAsync(VmId, CancellationToken.None));

        Assert.NotEmpty(BearerAudiences(server));
        Assert.All(BearerAudiences(server), aud => Assert.Equal(HostUri(server).AbsoluteUri.TrimEnd('/'), aud?.TrimEnd('/')));
    }

    [Theory]
    [InlineData("https://vault.azure.net")]
    [InlineData("https://storage.azure.com")]
    [InlineData("https://127.0.0.2:443/")]
    public async Task Arm_WhenALoopbackArmEndpointIsGivenAnotherAudience_ShouldSendNoToken(string audience)
    {
        await using var server = Server();
        var options = new VmEventOptions { ArmEndpoint = HostUri(server), ArmAudience = new Uri(audience), AuthMode = AuthMode.ManagedIdentity };

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => VmEventEngine.For(options).Arm(NullHostLog.Instance).GetVmNetworkInfoAsync(VmId, CancellationToken.None));

        Assert.Equal(ErrorIds.TokenHostNotAllowed, error.ErrorId);
        Assert.Empty(BearerAudiences(server));
    }

    [Fact]
    public async Task Arm_WhenArmEndpointIsListed_ShouldSendItOnlyArmTokensOfItsOwnAudience()
    {
        await using var server = Server();
        var options = new VmEventOptions { ArmEndpoint = HostUri(server), ArmAllowedHosts = [HostUri(server).Authority], AuthMode = AuthMode.ManagedIdentity };

        // The host is no ARM: whatever it answers, the point is the token it was shown.
        await Assert.ThrowsAnyAsync<Exception>(() => VmEventEngine.For(options).Arm(NullHostLog.Instance).GetVmNetworkInfoAsync(VmId, CancellationToken.None));

        Assert.NotEmpty(BearerAudiences(server));
        Assert.All(BearerAudiences(server), aud => Assert.Equal(HostUri(server).AbsoluteUri.TrimEnd('/'), aud?.TrimEnd('/')));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Queues_WithTokenAuthToAHostOutsideTheCloud_ShouldSendAStorageTokenOnlyWhenListed(bool listed)
    {
        await using var server = Server();
        var options = new VmEventOptions
        {
            QueueServiceUri = new Uri(HostUri(server), "acct/"), AuthMode = AuthMode.ManagedIdentity,
            StorageAllowedHosts = listed ? [HostUri(server).Authority] : [],
        };

        var error = await Record.ExceptionAsync(() => VmEventEngine.For(options).Queues(NullHostLog.Instance).CountAsync(QueueKind.Main, CancellationToken.None));

        if (listed)
        {
            Assert.NotEqual(ErrorIds.TokenHostNotAllowed, (error as VmEventOpsException)?.ErrorId);
            Assert.All(BearerAudiences(server), aud => Assert.StartsWith("https://storage.azure.com", aud));
            Assert.NotEmpty(BearerAudiences(server));
        }
        else
        {
            Assert.Equal(ErrorIds.TokenHostNotAllowed, Assert.IsType<VmEventOpsException>(error).ErrorId);
            Assert.Contains("QueueServiceUri", error.Message);
            Assert.Empty(BearerAudiences(server));
        }
    }

    [Theory]
    [InlineData("https://acct.queue.core.windows.net/", "https://login.microsoftonline.com/", true)]
    [InlineData("https://acct.privatelink.queue.core.windows.net/", "https://login.microsoftonline.com/", true)]
    [InlineData("https://acct.queue.core.chinacloudapi.cn/", "https://login.microsoftonline.com/", false)]
    [InlineData("https://acct.queue.core.chinacloudapi.cn/", "https://login.chinacloudapi.cn/", true)]
    [InlineData("https://acct.queue.core.windows.net.evil.example.test/", "https://login.microsoftonline.com/", false)]
    [InlineData("http://acct.queue.core.windows.net/", "https://login.microsoftonline.com/", false)]
    public void Queues_WithTokenAuth_ShouldTakeOnlyQueueHostsOfTheConfiguredCloud(string service, string authority, bool allowed)
    {
        var options = new VmEventOptions { QueueServiceUri = new Uri(service), AuthorityHost = new Uri(authority), AuthMode = AuthMode.ManagedIdentity };

        var error = Record.Exception(() => VmEventEngine.For(options).Queues(NullHostLog.Instance));

        if (allowed) Assert.Null(error);
        else Assert.Equal(ErrorIds.TokenHostNotAllowed, Assert.IsType<VmEventOpsException>(error).ErrorId);
    }
}
