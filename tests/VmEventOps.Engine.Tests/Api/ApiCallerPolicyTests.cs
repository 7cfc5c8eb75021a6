using System.Text;
using VmEventOps.Engine.Api;
using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Tests.Api;

/// <summary>Who may read and act through the Function app's dashboard behind App Service Authentication.</summary>
public sealed class ApiCallerPolicyTests
{
    private static readonly VmEventOptions Options = new() { DashboardActionRoles = ["VmEventOps.Operator"], DashboardActionGroups = ["6f1c0c4e-0000-4000-8000-000000000001"] };

    // The shape App Service Authentication documents for X-MS-CLIENT-PRINCIPAL: base64 JSON with auth_typ, claims, name_typ, role_typ.
    private static string Principal(params (string Type, string Value)[] claims) => Convert.ToBase64String(Encoding.UTF8.GetBytes(
        "{\"auth_typ\":\"aad\",\"name_typ\":\"name\",\"role_typ\":\"roles\",\"claims\":[" +
        string.Join(",", claims.Select(c => $"{{\"typ\":\"{c.Type}\",\"val\":\"{c.Value}\"}}")) + "]}"));

    private static Dictionary<string, string> Headers(string? principal, bool dashboardHeader)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (principal is not null) headers["x-ms-client-principal"] = principal;
        if (dashboardHeader) headers[ApiCallerPolicy.RequestHeader] = "dashboard";
        return headers;
    }

    [Fact]
    public void FromAppService_WhenAuthenticationIsNotEnabled_ShouldRefuseEvenAForgedPrincipal()
    {
        var (caller, refusal) = ApiCallerPolicy.FromAppService(Headers(Principal(("name", "eve"), ("roles", "VmEventOps.Operator")), true), authenticationEnabled: false, Options.Dashboard);

        Assert.Null(caller);
        Assert.Contains("not enabled", refusal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not base64!")]
    [InlineData("e30=")]
    public void FromAppService_WithoutAPrincipal_ShouldRefuse(string? header)
    {
        var (caller, refusal) = ApiCallerPolicy.FromAppService(Headers(header, true), authenticationEnabled: true, Options.Dashboard);

        Assert.Null(caller);
        Assert.Contains("Sign in", refusal);
    }

    [Theory]
    [InlineData("roles", "VmEventOps.Operator")]
    [InlineData("roles", "vmeventops.operator")]
    [InlineData("groups", "6f1c0c4e-0000-4000-8000-000000000001")]
    public void FromAppService_WithARoleOrGroupForActionsAndTheDashboardHeader_ShouldAct(string type, string value)
    {
        var (caller, _) = ApiCallerPolicy.FromAppService(Headers(Principal(("name", "alice@contoso.example"), (type, value)), true), true, Options.Dashboard);

        Assert.True(caller!.CanAct);
        Assert.Equal("alice@contoso.example", caller.Name);
    }

    [Fact]
    public void FromAppService_WithoutARoleOrGroupForActions_ShouldOnlyRead()
    {
        var (caller, _) = ApiCallerPolicy.FromAppService(Headers(Principal(("name", "bob"), ("roles", "Reader")), true), true, Options.Dashboard);

        Assert.False(caller!.CanAct);
        Assert.Contains("DashboardActionRoles", caller.DeniedReason);
    }

    [Fact]
    public void FromAppService_WithTheRoleButWithoutTheDashboardHeader_ShouldOnlyRead()
    {
        // A page of another site can make the browser send the session cookie, but not a custom header.
        var (caller, _) = ApiCallerPolicy.FromAppService(Headers(Principal(("name", "alice"), ("roles", "VmEventOps.Operator")), false), true, Options.Dashboard);

        Assert.False(caller!.CanAct);
        Assert.Contains(ApiCallerPolicy.RequestHeader, caller.DeniedReason);
    }

    [Fact]
    public void FromAppService_WhenNoRoleOrGroupIsConfigured_ShouldLetNobodyAct()
    {
        var (caller, _) = ApiCallerPolicy.FromAppService(Headers(Principal(("name", "alice"), ("roles", "VmEventOps.Operator")), true), true, new DashboardOptions());

        Assert.False(caller!.CanAct);
        Assert.Contains("empty", caller.DeniedReason);
    }
}
