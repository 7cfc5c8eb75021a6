using VmEventOps.Engine.Events;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// Test-VmOnboardingRule's answer for one VM: the rule that matches it and why, the rules before it and why not, what the
/// rule would do (its runbook, or the skip), and — when asked — each check's result. Nothing was started.
/// </summary>
public sealed record RuleTestResult
{
    public required string VmResourceId { get; init; }

    public required string VmName { get; init; }

    public required VmEventKind Event { get; init; }

    /// <summary>The matching rule's name (null: none matches).</summary>
    public string? Rule { get; init; }

    public string? Origin { get; init; }

    /// <summary>Why it matches: each condition that held.</summary>
    public string? Why { get; init; }

    /// <summary>The rules before it, each with the condition that did not hold.</summary>
    public IReadOnlyList<RuleMiss> NotMatched { get; init; } = [];

    /// <summary>What the rule does: "Runbook Onboard-Linux", "Offboarding Offboard-Vm", "Skip: reason", or "Nothing".</summary>
    public required string Action { get; init; }

    /// <summary>Each check's result, with -RunChecks (empty otherwise).</summary>
    public IReadOnlyList<CheckRecord> Checks { get; init; } = [];

    /// <summary>With -RunChecks: every check passed (null: none was run).</summary>
    public bool? ChecksPassed { get; init; }

    /// <summary>Where the facts came from: ARM, or the record's last known facts of a deleted VM.</summary>
    public string? Facts { get; init; }
}
