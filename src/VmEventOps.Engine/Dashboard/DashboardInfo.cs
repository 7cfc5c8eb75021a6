namespace VmEventOps.Engine.Dashboard;

/// <summary>A running local dashboard: the URL to open (its access token in the fragment) and the loopback port.</summary>
public sealed record DashboardInfo
{
    /// <summary>The URL to open; it holds the access token, so share it with nobody.</summary>
    public required string Url { get; init; }

    public required int Port { get; init; }

    public required DateTimeOffset StartedOn { get; init; }
}
