namespace VmEventOps.Engine.Workflow;

/// <summary>The one outcome of one message.</summary>
public enum VmEventOutcome
{
    Succeeded = 1,
    AlreadyOnboarded,
    Ignored,
    RetryScheduled,
    DeadLettered,
}
