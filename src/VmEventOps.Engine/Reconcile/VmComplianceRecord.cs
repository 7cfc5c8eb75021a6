using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Reconcile;

/// <summary>One VM in scope and why it is, or is not, onboarded.</summary>
public sealed record VmComplianceRecord
{
    /// <summary>The VM's resource ID.</summary>
    public required string VmResourceId { get; init; }

    /// <summary>The VM's name.</summary>
    public required string VmName { get; init; }

    /// <summary>Where its onboarding stands.</summary>
    public required ComplianceStatus Status { get; init; }

    /// <summary>Why, as a code and detail: NeverSeen, Recreated, Onboarded, RunbookStarted, Claimed, Stale, the last error, ...</summary>
    public required string Reason { get; init; }

    /// <summary>How long it has been so: since its record last changed, or, when Missing, since the VM was created (when ARM says).</summary>
    public TimeSpan? Age { get; init; }

    /// <summary>The trace of its attempts (W3C trace id), when traces were recorded.</summary>
    public string? TraceId { get; init; }

    /// <summary>The scope it was listed in.</summary>
    public required string Scope { get; init; }

    /// <summary>The VM's immutable id, as ARM lists it.</summary>
    public Guid? VmId { get; init; }

    /// <summary>The VM's provisioning state, as ARM lists it.</summary>
    public string? ProvisioningState { get; init; }

    /// <summary>Attempts made, from its record.</summary>
    public int Attempts { get; init; }

    /// <summary>Its runbook job, once started.</summary>
    public Guid? JobId { get; init; }

    /// <summary>When its record last changed.</summary>
    public DateTimeOffset? UpdatedOn { get; init; }

    /// <summary>When its scheduled retry comes due.</summary>
    public DateTimeOffset? NextAttemptOn { get; init; }

    /// <summary>True when the sweep queues an event for it: never seen, or its message taken for lost (stale); dead-lettered ones only when asked.</summary>
    public bool NeedsEvent { get; init; }
}
