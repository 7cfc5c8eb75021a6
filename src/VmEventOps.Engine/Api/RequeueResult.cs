using VmEventOps.Engine.Events;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Api;

/// <summary>What became of one poison message an admin re-queued.</summary>
public sealed record RequeueResult
{
    /// <summary>The poison message's id.</summary>
    public required string MessageId { get; init; }

    /// <summary>False when the message was not in the poison queue (taken meanwhile, or never there).</summary>
    public required bool Found { get; init; }

    /// <summary>The id of the new message in the main queue (a re-queue without force).</summary>
    public string? NewMessageId { get; init; }

    /// <summary>The workflow's result (a re-queue with force: onboarded at once).</summary>
    public VmEventResult? Result { get; init; }

    /// <summary>The VM the message is about, when it holds an event.</summary>
    public string? VmResourceId { get; init; }
}
