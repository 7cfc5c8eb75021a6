using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// One thing the system knows about a VM's onboarding, for Get-VmEventTrail: an attempt's end (from the VM's onboarding
/// record), a message about the VM in a queue (peeked, with its envelope history), or the runbook job's status.
/// </summary>
public sealed record VmEventTrailEntry
{
    /// <summary>When it happened (for a scheduled retry: when it comes due).</summary>
    public required DateTimeOffset Time { get; init; }

    public required string VmResourceId { get; init; }

    /// <summary>Where it was found: State, MainQueue, RetryQueue, SucceededQueue, PoisonQueue or RunbookJob.</summary>
    public required string Source { get; init; }

    /// <summary>What it says: an outcome (Succeeded, RetryScheduled, DeadLettered), FirstSeen, RetryDue, a message's place (Waiting, WaitingForRetry), or the job's status.</summary>
    public required string Status { get; init; }

    public int? Attempt { get; init; }

    /// <summary>Why: the error of a failed attempt (secrets removed), a message's reason, a job's exception.</summary>
    public string? Reason { get; init; }

    public string? MessageId { get; init; }

    /// <summary>How often the queue delivered the message (peeked messages only).</summary>
    public long? DequeueCount { get; init; }

    public Guid? JobId { get; init; }

    /// <summary>The event's trace id (W3C), to find its spans in Application Insights, an OTLP backend or the trace file.</summary>
    public string? TraceId { get; init; }

    /// <summary>The checks an attempt ran (from the onboarding record): name, kind, status, reason and time.</summary>
    public IReadOnlyList<Checks.CheckRecord> Checks { get; init; } = [];

    /// <summary>A queued message's envelope history: every stage that failed on the way, oldest first.</summary>
    public IReadOnlyList<EnvelopeHistoryEntry> History { get; init; } = [];
}
