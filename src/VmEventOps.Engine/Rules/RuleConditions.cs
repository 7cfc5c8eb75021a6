using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Rules;

/// <summary>
/// What a rule matches: every condition given must hold (an empty list or null is no condition). Scopes are subscription
/// or resource group IDs; tags are <see cref="TagCondition"/>s (all must hold); the OS type, the locations and the VM
/// name patterns are any-of; events say whether the rule is for created VMs, deleted ones, or both.
/// </summary>
public sealed record RuleConditions
{
    public IReadOnlyList<string> Scopes { get; init; } = [];

    public IReadOnlyList<TagCondition> Tags { get; init; } = [];

    public IReadOnlyList<string> OsTypes { get; init; } = [];

    public IReadOnlyList<string> Locations { get; init; } = [];

    /// <summary>Wildcard patterns of the VM's name (<see cref="Wildcard"/>).</summary>
    public IReadOnlyList<string> VmNames { get; init; } = [];

    /// <summary>The event kinds the rule is for (empty: both).</summary>
    public IReadOnlyList<VmEventKind> Events { get; init; } = [];

    /// <summary>No condition at all: the rule matches every VM.</summary>
    public static RuleConditions Any { get; } = new();
}
