using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Api;

/// <summary>What the router needs besides its backend: health thresholds and the link template of a trace id.</summary>
public sealed record ApiSettings
{
    /// <summary>When the retry and poison queues count as unhealthy.</summary>
    public QueueHealthThresholds Thresholds { get; init; } = new();

    /// <summary>A URL with {traceId} where the trace can be opened (Application Insights' transaction search), or null.</summary>
    public string? TraceLinkTemplate { get; init; }
}
