using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Queues;

/// <summary>The state of one queue: how much it holds, how old its oldest visible message is, and whether that is healthy.</summary>
public sealed record QueueStatus
{
    /// <summary>Which of the four queues.</summary>
    public required QueueKind Queue { get; init; }

    /// <summary>The queue's name in the storage account.</summary>
    public required string Name { get; init; }

    /// <summary>False when the queue has not been created.</summary>
    public required bool Exists { get; init; }

    /// <summary>The service's approximate message count (visible and invisible messages).</summary>
    public required int ApproximateCount { get; init; }

    /// <summary>Age of the oldest visible message; null when none is visible.</summary>
    public TimeSpan? OldestMessageAge { get; init; }

    /// <summary>False when the queue needs an admin's attention.</summary>
    public required bool Healthy { get; init; }

    /// <summary>Why it is (un)healthy, in words.</summary>
    public required string Reason { get; init; }
}
