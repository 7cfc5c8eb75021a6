namespace VmEventOps.Engine.Arm;

/// <summary>One page of a VM list; <see cref="CutReason"/> says why the list stops here before its end (null: it goes on, or ended).</summary>
public sealed record ArmVmPage(IReadOnlyList<ArmVmSummary> Vms, string? CutReason = null);
