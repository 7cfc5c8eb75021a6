using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// What the workflow has learnt of one accepted event so far, step by step: the VM's onboarding record, its ARM facts (or
/// that it is gone), the claim, the checks' results, the job, or the failure that ended a step. The decider reads only this.
/// </summary>
public sealed record OnboardingFacts
{
    /// <summary>The accepted event.</summary>
    public required VmEvent Event { get; init; }

    /// <summary>This attempt's number as the message says (clamped); the state record may correct it.</summary>
    public required int Attempt { get; init; }

    /// <summary>The queue message this attempt holds (queue and message id), as a claim names it; null when a host took it.</summary>
    public string? Claimant { get; init; }

    /// <summary>The admin asked for a repeat of an onboarded VM.</summary>
    public bool Force { get; init; }

    /// <summary>The state record was read (<see cref="State"/> null: there is none).</summary>
    public bool StateRead { get; init; }

    public OnboardingState? State { get; init; }

    /// <summary>The VM's ARM facts, once looked up.</summary>
    public VmNetworkInfo? Vm { get; init; }

    /// <summary>The error id when the lookup found the VM gone or being deleted.</summary>
    public string? VmGone { get; init; }

    /// <summary>The rule the VM matched (or that none did), once matched.</summary>
    public Rules.RuleMatch? Rule { get; init; }

    /// <summary>The claim on the VM, once tried.</summary>
    public Claim? Claim { get; init; }

    /// <summary>The checks' results in order, once run (empty: no check to run).</summary>
    public IReadOnlyList<CheckResult>? Checks { get; init; }

    /// <summary>The job the action started or found.</summary>
    public VmRunbookJob? Job { get; init; }

    /// <summary>What ended a step, and which step.</summary>
    public Failure? Failure { get; init; }

    public string? FailedStep { get; init; }

    /// <summary>The VM's resource id.</summary>
    public VmResourceId VmResourceId => Event.ParsedVmId!;

    /// <summary>True for a delete event: the workflow offboards.</summary>
    public bool Offboarding => Event.Kind == VmEventKind.Deleted;

    /// <summary>
    /// The VM's facts as the checks and the action see them: from ARM, or — for a deleted VM — the last known ones of its
    /// record (at least its name, id and vmId).
    /// </summary>
    public VmNetworkInfo? KnownVm => Offboarding
        ? State?.Vm ?? (State?.VmId is { } vmId ? new VmNetworkInfo { VmResourceId = VmResourceId.Value, VmId = vmId, VmName = VmResourceId.Name } : null)
        : Vm;
}

/// <summary>
/// The outcome of claiming a VM (an ETag-conditioned write of its record): <see cref="Won"/>, or lost to another writer
/// whose record is <see cref="Record"/>. <see cref="Record"/> is the record the success is written over.
/// </summary>
public sealed record Claim(bool Won, OnboardingState? Record, bool FirstClaim);
