namespace VmEventOps;

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

    /// <summary>The VM was deleted and a worker is offboarding it (its offboarding runbook).</summary>
    Offboarding,

    /// <summary>Offboarded after its deletion: a VM created again under the name has a new vmId and is onboarded again.</summary>
    Offboarded,

    /// <summary>The last offboarding attempt failed; the VM is still onboarded as far as its record knows.</summary>
    OffboardingFailed,
}
