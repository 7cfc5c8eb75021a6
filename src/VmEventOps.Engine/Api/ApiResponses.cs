using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Api;

/// <summary>Answers a host gives before the router is reached, and the router's settings from the dashboard.</summary>
public static class ApiResponses
{
    /// <summary>A 401: nobody signed in (or authentication is not enabled), with the reason.</summary>
    public static ApiResponse Unauthorized(string reason) =>
        new(401, ApiJson.Write(ApiJson.Error(ErrorIds.ApiForbidden, reason))) { ErrorId = ErrorIds.ApiForbidden };

    /// <summary>The router's settings for these dashboard.</summary>
    public static ApiSettings SettingsOf(DashboardOptions dashboard) => new() { TraceLinkTemplate = dashboard.TraceLinkTemplate };
}
