namespace VmEventOps.Engine.Rules;

/// <summary>
/// One onboarding rule: what it matches, the checks a matching VM must pass, the runbook that onboards it, the runbook
/// that offboards it when it is deleted, or — instead — that such VMs are skipped, and why. Where it came from is kept
/// for Get-VmOnboardingRule.
/// </summary>
public sealed record OnboardingRule
{
    public required string Name { get; init; }

    /// <summary>Its place in the effective list (1 first); built-in rules count too.</summary>
    public int Position { get; init; }

    /// <summary>Where it came from: a settings file and section, an environment variable, a parameter, or built-in.</summary>
    public required string Origin { get; init; }

    public RuleConditions Match { get; init; } = RuleConditions.Any;

    public IReadOnlyList<CheckSpec> Checks { get; init; } = [];

    /// <summary>The onboarding runbook (null for a skip rule, or a rule for deleted VMs only).</summary>
    public RunbookActionSpec? Action { get; init; }

    /// <summary>The offboarding runbook, run when a matching VM is deleted (null: nothing to do on deletion).</summary>
    public RunbookActionSpec? Offboarding { get; init; }

    /// <summary>Why matching VMs are left alone; null for a rule that acts.</summary>
    public string? SkipReason { get; init; }

    public bool IsSkip => SkipReason is not null;
}
