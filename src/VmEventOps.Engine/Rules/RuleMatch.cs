namespace VmEventOps.Engine.Rules;

/// <summary>
/// Which rule a VM matched (null: none) and why — each condition that held — and, for every rule before it, the first
/// condition that did not hold.
/// </summary>
public sealed record RuleMatch(OnboardingRule? Rule, IReadOnlyList<string> Why, IReadOnlyList<RuleMiss> Passed)
{
    /// <summary>The reasons as one line: "tag env=prod (prod); os Linux".</summary>
    public string Explain() => Why.Count == 0 ? "no condition: matches every VM" : string.Join("; ", Why);
}

/// <summary>A rule the VM did not match, and the condition that failed.</summary>
public sealed record RuleMiss(string Rule, string WhyNot);
