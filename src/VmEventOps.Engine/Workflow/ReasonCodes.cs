namespace VmEventOps.Engine.Workflow;

/// <summary>
/// The codes of the reasons the workflow gives that are not error ids (those come from <see cref="Diagnostics.ErrorIds"/>)
/// or reject reasons of the filter (<see cref="Events.RejectReasons"/>). Part of the public contract: results, the
/// envelope's history, the state record and telemetry's reason tag carry them.
/// </summary>
public static class ReasonCodes
{
    /// <summary>The runbook job was started by this attempt.</summary>
    public const string JobStarted = "JobStarted";

    /// <summary>The runbook job for this VM existed already (an earlier attempt started it): adopted, not started again.</summary>
    public const string JobAlreadyStarted = "JobAlreadyStarted";

    /// <summary>Another worker holds a live claim on this VM: its message carries the work.</summary>
    public const string InProgressElsewhere = "InProgressElsewhere";

    /// <summary>The VM (this vmId) was onboarded before: an update or a duplicate event.</summary>
    public const string Onboarded = "Onboarded";

    /// <summary>A service asked to come back later: deferred to the retry queue, no attempt used up.</summary>
    public const string Throttled = "Throttled";

    /// <summary>A batch message was split into one message per event of ours.</summary>
    public const string SplitBatch = "SplitBatch";

    /// <summary>A batch with more events of ours than one message may re-queue: poison, none re-queued.</summary>
    public const string BatchTooLarge = "BatchTooLarge";

    /// <summary>A failure no step foresaw (the message's own): poison, so it cannot stop its consumer again.</summary>
    public const string Unprocessable = "Unprocessable";

    /// <summary>Every code of this catalog.</summary>
    public static IReadOnlyList<string> All { get; } =
        [JobStarted, JobAlreadyStarted, InProgressElsewhere, Onboarded, Throttled, SplitBatch, BatchTooLarge, Unprocessable];
}
