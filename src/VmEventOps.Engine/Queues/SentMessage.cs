using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Queues;

/// <summary>A message Send-VmEventMessage put in a queue.</summary>
public sealed record SentMessage
{
    /// <summary>The new message's id.</summary>
    public required string MessageId { get; init; }

    /// <summary>The queue it went to.</summary>
    public required QueueKind Queue { get; init; }

    /// <summary>That queue's name.</summary>
    public required string QueueName { get; init; }

    /// <summary>The VM the event is about, when known.</summary>
    public string? VmResourceId { get; init; }

    /// <summary>The message it was moved from (deleted there), or null for a new event or a copy.</summary>
    public string? MovedFrom { get; init; }
}
