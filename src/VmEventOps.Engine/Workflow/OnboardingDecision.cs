using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Workflow;

/// <summary>Where a message goes at the end of its attempt.</summary>
public enum Route
{
    /// <summary>Deleted from its queue (nothing more to do: ignored, already onboarded).</summary>
    Complete,

    /// <summary>To the succeeded queue, after the state record says Succeeded.</summary>
    Succeeded,

    /// <summary>To the retry queue, invisible for <see cref="OnboardingDecision.Delay"/>.</summary>
    Retry,

    /// <summary>To the poison queue with the reason.</summary>
    Poison,
}

/// <summary>
/// The end of one attempt as the decider chose it: the outcome, where the message goes and after how long, the reason
/// (shown) and the error (kept in the history and the record), the attempt number to carry, and the record to write.
/// </summary>
public sealed record OnboardingDecision
{
    public required VmEventOutcome Outcome { get; init; }

    public required Route Route { get; init; }

    /// <summary>Why, as the result and the envelope show it.</summary>
    public required Reason Reason { get; init; }

    /// <summary>The attempt number the envelope and the record carry (a throttled attempt does not count).</summary>
    public required int Attempt { get; init; }

    /// <summary>How long the message waits in the retry queue.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>The state the VM's record takes (none: unchanged).</summary>
    public OnboardingStatus? Record { get; init; }

    /// <summary>The stage the envelope's history names, and the error it keeps (the full error of a throttled attempt).</summary>
    public string? HistoryStage { get; init; }

    public Reason? Error { get; init; }

    public Guid? JobId { get; init; }

    /// <summary>
    /// The record this attempt inserted as its first claim goes again: the VM turned out not to be onboarded (gone, no
    /// rule, skipped), and a claim left behind would show an onboarding that never runs.
    /// </summary>
    public bool ReleaseClaim { get; init; }
}

/// <summary>The step the workflow runs next to learn more about the event.</summary>
public enum WorkflowStep
{
    /// <summary>An onboarding's first step: insert its claim (a new VM needs no read), or read the record that is there.</summary>
    ClaimFirst,
    ReadState,
    LookupVm,
    Claim,
    RunChecks,
    RunAction,
    MatchRule,
}

/// <summary>What the decider says: run <see cref="Step"/> next, or end with <see cref="Decision"/>.</summary>
public sealed record WorkflowNext(WorkflowStep? Step, OnboardingDecision? Decision)
{
    public static WorkflowNext Run(WorkflowStep step) => new(step, null);

    public static WorkflowNext End(OnboardingDecision decision) => new(null, decision);
}
