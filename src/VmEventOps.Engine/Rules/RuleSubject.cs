using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Rules;

/// <summary>What rules are matched against: the VM's id, its facts (from ARM, or the last known ones for a deleted VM), and the event's kind.</summary>
public sealed record RuleSubject(VmResourceId VmResourceId, VmEventKind Event, IReadOnlyDictionary<string, string> Tags, string? OsType, string? Location)
{
    /// <summary>The subject of a VM whose facts are known.</summary>
    public static RuleSubject Of(VmResourceId id, VmEventKind kind, VmNetworkInfo? vm) => new(id, kind, vm?.Tags ?? new Dictionary<string, string>(), vm?.OsType, vm?.Location);
}
