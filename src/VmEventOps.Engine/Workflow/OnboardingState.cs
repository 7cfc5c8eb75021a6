namespace VmEventOps.Engine.Workflow;

/// <summary>One VM's onboarding record (one table row per VM, keyed on its normalised resource ID).</summary>
public sealed record OnboardingState
{
    /// <summary>The VM's resource ID, canonical form.</summary>
    public required string VmResourceId { get; init; }

    /// <summary>The VM's immutable id: a VM deleted and created again under the same name has a new one, and is onboarded again.</summary>
    public Guid? VmId { get; init; }

    public required OnboardingStatus State { get; init; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; init; }

    /// <summary>The runbook job, once started.</summary>
    public Guid? JobId { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? UpdatedOn { get; init; }

    /// <summary>The row's ETag: the next write succeeds only if nobody wrote in between.</summary>
    internal string? ETag { get; init; }
}
