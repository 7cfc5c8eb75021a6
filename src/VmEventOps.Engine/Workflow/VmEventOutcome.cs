namespace VmEventOps.Engine.Workflow;

/// <summary>The one outcome of one message.</summary>
public enum VmEventOutcome
{
    Succeeded = 1,
    AlreadyOnboarded,
    Ignored,
    RetryScheduled,
    DeadLettered,

    /// <summary>A deleted VM's offboarding runbook was started (or found): its record says Offboarded.</summary>
    Offboarded,
}
