using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

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

    /// <summary>
    /// On a claim (InProgress, Offboarding): the queue message whose attempt wrote it. That very message coming back means
    /// its worker died holding the claim (a live one renews the lease): the claim is then nobody's, however young.
    /// </summary>
    public string? ClaimedBy { get; init; }

    /// <summary>When the scheduled retry comes due (its message is invisible until then, so no queue can show it).</summary>
    public DateTimeOffset? NextAttemptOn { get; init; }

    /// <summary>The trace of the event's attempts (W3C trace id), when traces were recorded.</summary>
    public string? TraceId { get; init; }

    /// <summary>
    /// The VM's facts as last looked up (name, address, OS type, location, tags): what its offboarding runbook gets once
    /// the VM is gone and ARM has nothing left to say.
    /// </summary>
    public Arm.VmNetworkInfo? Vm { get; init; }

    /// <summary>The rule that matched it last.</summary>
    public string? Rule { get; init; }

    /// <summary>How each attempt ended, oldest first (the last <see cref="MaxHistory"/>).</summary>
    public IReadOnlyList<OnboardingAttempt> History { get; init; } = [];

    /// <summary>Attempts kept in <see cref="History"/>.</summary>
    public const int MaxHistory = 20;

    /// <summary>The history with <paramref name="attempt"/> appended (oldest dropped past <see cref="MaxHistory"/>, reasons cut to 500 characters).</summary>
    public static IReadOnlyList<OnboardingAttempt> Append(IReadOnlyList<OnboardingAttempt>? history, OnboardingAttempt attempt) =>
        (history ?? []).Append(attempt with { Reason = attempt.Reason is { Length: > 500 } reason ? reason[..500] : attempt.Reason }).TakeLast(MaxHistory).ToArray();

    /// <summary>The row's ETag: the next write succeeds only if nobody wrote in between.</summary>
    internal string? ETag { get; init; }
}
