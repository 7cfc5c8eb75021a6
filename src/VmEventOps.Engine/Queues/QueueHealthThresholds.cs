namespace VmEventOps.Engine.Queues;

/// <summary>
/// When a queue counts as unhealthy: the design's alert signal is too many messages waiting for retry,
/// or anything at all in poison.
/// </summary>
public sealed record QueueHealthThresholds
{
    /// <summary>The most messages the retry queue may hold and still be healthy.</summary>
    public int Retry { get; init; } = 100;

    /// <summary>The most messages the poison queue may hold and still be healthy.</summary>
    public int Poison { get; init; }
}
