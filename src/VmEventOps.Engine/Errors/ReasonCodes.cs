namespace VmEventOps.Engine.Errors;

/// <summary>
/// The codes of the reasons the workflow gives that are not error ids (those come from <see cref="Errors.ErrorIds"/>)
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

    /// <summary>No rule matches the VM (rules are configured, none for it): nothing to do.</summary>
    public const string NoRuleMatched = "NoRuleMatched";

    /// <summary>The VM's rule says to leave it alone; the detail names the rule and its reason.</summary>
    public const string Skipped = "Skipped";

    /// <summary>A deleted VM that was never onboarded (no record, or none that succeeded): nothing to offboard.</summary>
    public const string NotOnboarded = "NotOnboarded";

    /// <summary>A deleted VM (this vmId) was offboarded before: a duplicate delete event.</summary>
    public const string AlreadyOffboarded = "AlreadyOffboarded";

    /// <summary>The deleted VM's rule names no offboarding runbook: nothing to do.</summary>
    public const string NoOffboardingAction = "NoOffboardingAction";

    /// <summary>A delete event for a VM that ARM still has under the same vmId (a forged or stale event): nothing offboarded.</summary>
    public const string VmStillExists = "VmStillExists";

    /// <summary>A message delivered more often than MaxDequeueCount (the queue's own count): poison, unprocessed.</summary>
    public const string DequeueLimit = "DequeueLimit";

    /// <summary>Events of a batch that the queue refused to take as messages of their own: the batch goes to poison with them.</summary>
    public const string NotRequeued = "NotRequeued";

    /// <summary>Every code of this catalog.</summary>
    public static IReadOnlyList<string> All { get; } =
        [JobStarted, JobAlreadyStarted, InProgressElsewhere, Onboarded, Throttled, SplitBatch, BatchTooLarge, Unprocessable,
         NoRuleMatched, Skipped, NotOnboarded, AlreadyOffboarded, NoOffboardingAction, VmStillExists, DequeueLimit, NotRequeued];
}
