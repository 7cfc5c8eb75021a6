using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow;

/// <summary>One attempt's end, as the VM's onboarding record keeps it: when, which attempt, its outcome and the reason.</summary>
public sealed record OnboardingAttempt(DateTimeOffset Time, int Attempt, string Outcome, string? Reason)
{
    /// <summary>The checks this attempt ran, each with its status, reason and time (none: no check ran).</summary>
    public IReadOnlyList<Checks.CheckRecord>? Checks { get; init; }
}
