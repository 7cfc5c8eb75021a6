namespace VmEventOps;

/// <summary>The one outcome of one message.</summary>
public enum VmEventOutcome
{
    /// <summary>The VM was onboarded: its runbook job started (and, when waited for, completed); the message went to the succeeded queue.</summary>
    Succeeded = 1,
    /// <summary>The VM was onboarded before (its record says so): nothing was started again.</summary>
    AlreadyOnboarded,
    /// <summary>Not ours, or not in an allowed scope, or skipped by a rule: the message ended without a job.</summary>
    Ignored,
    /// <summary>A transient failure: the message waits in the retry queue for its next attempt.</summary>
    RetryScheduled,
    /// <summary>A bad message, or the last attempt failed: the message went to the poison queue with the reason.</summary>
    DeadLettered,

    /// <summary>A deleted VM's offboarding runbook was started (or found): its record says Offboarded.</summary>
    Offboarded,
}
