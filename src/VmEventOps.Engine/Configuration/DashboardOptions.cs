namespace VmEventOps.Engine.Configuration;

/// <summary>The dashboard and its HTTP API. Part of <see cref="VmEventOptions"/>; each property is the setting of the same name.</summary>
public sealed record DashboardOptions
{
    /// <summary>A link to a trace, shown with each VM's trace id in the dashboard: a URL with {traceId} in it (Application Insights' transaction search, a Grafana or Jaeger trace page). Only https links are shown.</summary>
    public string? TraceLinkTemplate { get; init; }

    /// <summary>In the Function app's dashboard (App Service Authentication): the app roles, comma-separated, of which a signed-in principal needs one to re-queue and re-run; reading needs only a sign-in.</summary>
    public IReadOnlyList<string> DashboardActionRoles { get; init; } = [];

    /// <summary>In the Function app's dashboard (App Service Authentication): the Entra ID group object ids, comma-separated, of which a signed-in principal needs one to re-queue and re-run (instead of, or besides, DashboardActionRoles).</summary>
    public IReadOnlyList<string> DashboardActionGroups { get; init; } = [];
}
