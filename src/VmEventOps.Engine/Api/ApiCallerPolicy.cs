using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Api;

/// <summary>
/// Who may use the Function app's dashboard (its anonymous UI route behind App Service Authentication): nobody unless
/// authentication is enabled on the app; any signed-in principal may read; a principal acts only with one of
/// DashboardActionRoles or DashboardActionGroups, and only from the dashboard's own page (the <see cref="RequestHeader"/>
/// header, which a page of another site cannot send along with the session cookie). Pure.
/// </summary>
public static class ApiCallerPolicy
{
    /// <summary>The header the dashboard sends with every call (CSRF: a cross-site form or image cannot).</summary>
    public const string RequestHeader = "X-VmEventOps-Request";

    /// <summary>The caller, or why there is none (a 401).</summary>
    public static (ApiCaller? Caller, string? Refusal) FromAppService(IReadOnlyDictionary<string, string> headers, bool authenticationEnabled, DashboardOptions dashboard)
    {
        if (!authenticationEnabled)
        {
            return (null, "App Service Authentication is not enabled on this app, so nobody signed in: enable it (deploy/infra, dashboardAuthentication) or use the function key on /api/vm-events.");
        }

        if (AppServicePrincipal.Parse(Value(headers, AppServicePrincipal.Header)) is not { } principal) return (null, "Sign in first: no signed-in principal came with the request.");
        if (Value(headers, RequestHeader) is null)
        {
            return (ApiCaller.ReadOnly(principal.Name, $"actions are taken only from the dashboard's page (the {RequestHeader} header is missing)."), null);
        }

        var role = principal.Roles.FirstOrDefault(r => dashboard.DashboardActionRoles.Contains(r, StringComparer.OrdinalIgnoreCase));
        var group = principal.Groups.FirstOrDefault(g => dashboard.DashboardActionGroups.Contains(g, StringComparer.OrdinalIgnoreCase));
        if (role is not null || group is not null) return (new ApiCaller(principal.Name, CanAct: true), null);
        var needed = dashboard.DashboardActionRoles.Count + dashboard.DashboardActionGroups.Count == 0
            ? "no role or group may act through the dashboard (DashboardActionRoles and DashboardActionGroups are empty)."
            : "the principal holds none of the roles of DashboardActionRoles nor the groups of DashboardActionGroups.";
        return (ApiCaller.ReadOnly(principal.Name, needed), null);
    }

    private static string? Value(IReadOnlyDictionary<string, string> headers, string name)
    {
        foreach (var pair in headers)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(pair.Value)) return pair.Value;
        }

        return null;
    }
}
