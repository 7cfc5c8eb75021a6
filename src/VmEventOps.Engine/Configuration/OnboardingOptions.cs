namespace VmEventOps.Engine.Configuration;

/// <summary>Which VMs are processed and by which rules. Part of <see cref="VmEventOptions"/>; each property is the setting of the same name.</summary>
public sealed record OnboardingOptions
{
    /// <summary>Scopes whose VMs are processed: subscription or resource group IDs, comma-separated, or * for any.</summary>
    public IReadOnlyList<string> AllowedScopes { get; init; } = [];

    /// <summary>Onboarding rules: an ordered JSON array, first match wins; each matches on scope, tags, OS type, location, VM name and event (Created, Deleted), and names its checks (Database, TcpPort, Http, Dns, Tags, Script), its runbook and its offboarding runbook, or Skip with a reason (docs/rules-and-checks.md). Empty: one default rule from the Db* and runbook settings.</summary>
    public string? Rules { get; init; }

    /// <summary>A tag that leaves a VM alone, as key (any value) or key=pattern (* and ?), e.g. vmeventops:skip=true: the built-in rule SkipTagged, first of all rules. Empty: no such rule.</summary>
    public string? SkipTag { get; init; }
}
