namespace VmEventOps.Engine.Reconcile;

/// <summary>Where a VM in scope stands, for the compliance view.</summary>
public enum ComplianceStatus
{
    /// <summary>Onboarded: its record says Succeeded, for this VM (the same vmId).</summary>
    Onboarded = 1,

    /// <summary>A worker claimed it or its runbook job was started, and it has not finished yet.</summary>
    InProgress,

    /// <summary>An attempt failed; another is due (the record's NextAttemptOn).</summary>
    RetryScheduled,

    /// <summary>The workflow gave up: its message is in poison with every reason.</summary>
    DeadLettered,

    /// <summary>The onboarding rules leave it alone: its rule says Skip (the SkipTag setting's tag included), or rules are configured and none matches it.</summary>
    Skipped,

    /// <summary>Never seen: no record, or a record of an earlier VM of the same name (another vmId).</summary>
    Missing,
}
