using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Reconcile;

/// <summary>
/// One event Event Grid dead-lettered: the event as it was to be delivered (<see cref="Body"/>), why it was not
/// (deadLetterReason, deliveryAttempts, lastDeliveryOutcome, ...), and where it lies (blob, index in the blob's array).
/// Piped to Send-VmEventMessage, it is replayed to the main queue and marked in its blob.
/// </summary>
public sealed record VmEventDeadLetter
{
    /// <summary>The dead-letter container.</summary>
    public required string ContainerName { get; init; }

    /// <summary>The blob: {SUBSCRIPTION NAME}/{yyyy}/{M}/{d}/{H}/{guid}.json as Event Grid names it.</summary>
    public required string BlobName { get; init; }

    /// <summary>The event's place in the blob's array (0 first).</summary>
    public int Index { get; init; }

    /// <summary>Events in the blob.</summary>
    public int EventCount { get; init; }

    /// <summary>The event's id.</summary>
    public string? EventId { get; init; }

    /// <summary>eventType (Event Grid schema) or type (CloudEvents).</summary>
    public string? EventType { get; init; }

    /// <summary>The event's subject: the resource ID for ARM events.</summary>
    public string? Subject { get; init; }

    /// <summary>The VM, when the subject is a VM resource ID.</summary>
    public string? VmResourceId { get; init; }

    /// <summary>The VM's name, when known.</summary>
    public string? VmName { get; init; }

    /// <summary>Why Event Grid gave up: MaxDeliveryAttemptsExceeded, TimeToLiveExceeded, UndeliverableDueTo..., ...</summary>
    public string? DeadLetterReason { get; init; }

    /// <summary>Deliveries tried.</summary>
    public int? DeliveryAttempts { get; init; }

    /// <summary>How the last one ended: NotFound, TimedOut, Forbidden, ...</summary>
    public string? LastDeliveryOutcome { get; init; }

    /// <summary>The last delivery's HTTP status, when there was one.</summary>
    public int? LastHttpStatusCode { get; init; }

    /// <summary>When the event was published to Event Grid.</summary>
    public DateTimeOffset? PublishTime { get; init; }

    /// <summary>When the last delivery was tried.</summary>
    public DateTimeOffset? LastDeliveryAttemptTime { get; init; }

    /// <summary>True when this event was replayed already (blob metadata).</summary>
    public bool Replayed { get; init; }

    /// <summary>The event as Event Grid would have delivered it: the dead-letter properties taken out, everything else verbatim.</summary>
    public required string Body { get; init; }
}
