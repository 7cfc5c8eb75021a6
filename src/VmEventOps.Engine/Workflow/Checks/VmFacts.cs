using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>What checks and actions know of the VM: its ARM facts and the event that brought it.</summary>
public sealed record VmFacts(VmNetworkInfo Vm, VmEvent Event);
