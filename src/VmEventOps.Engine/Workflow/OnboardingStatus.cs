namespace VmEventOps.Engine.Workflow;

/// <summary>Where a VM's onboarding stands.</summary>
public enum OnboardingStatus
{
    /// <summary>A worker has claimed it and is working on it.</summary>
    InProgress = 1,

    /// <summary>The runbook job was started; its id is recorded.</summary>
    RunbookStarted,

    /// <summary>Onboarded: later events for this VM (updates) are AlreadyOnboarded.</summary>
    Succeeded,

    /// <summary>The last attempt failed; another may follow.</summary>
    Failed,

    /// <summary>Gave up: the message went to poison.</summary>
    DeadLettered,
}
