using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// One message taken up by the workflow, read once: the message as received, the envelope it travels on (what it says
/// of earlier attempts, clamped; its history and trace; its original inline or as a claim check), whether the admin forces
/// a repeat, and the lease under which it is held.
/// </summary>
public sealed record WorkItem(VmEventMessage Message, MessageEnvelope Envelope, bool Force, MessageLease Lease)
{
    /// <summary>The work item of <paramref name="message"/>; attempts a body claims are clamped to <paramref name="maxAttempts"/>.</summary>
    public static WorkItem Of(VmEventMessage message, bool force, MessageLease lease, int maxAttempts, DateTimeOffset now) =>
        new(message, EnvelopeOf(message, maxAttempts, now), force, lease);

    /// <summary>Set once the message has reached its destination: nothing routes it again.</summary>
    public RouteMark Routed { get; init; } = new();

    /// <summary>
    /// The message as a claim names it (queue and id; an id stays the same across redeliveries in its queue); null for a
    /// message whose host did not say its id, so no two such messages pass for one.
    /// </summary>
    public string? Claimant => Message.MessageId == VmEventMessage.HostMessageId ? null : $"{Message.QueueName}/{Message.MessageId}";

    /// <summary>This attempt's number as the message says (the VM's state record may correct it).</summary>
    public int Attempt => Envelope.Attempt + 1;

    private static MessageEnvelope EnvelopeOf(VmEventMessage message, int maxAttempts, DateTimeOffset now) => new()
    {
        Attempt = Math.Clamp(message.Attempt, 0, maxAttempts),
        FirstSeen = message.FirstSeen ?? message.InsertedOn ?? now,
        Original = message.OriginalBlob is null ? message.Body : string.Empty,
        OriginalBlob = message.OriginalBlob,
        History = message.History,
        TraceParent = message.TraceParent,
    };
}
