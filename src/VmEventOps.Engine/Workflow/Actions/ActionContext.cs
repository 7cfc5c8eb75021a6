using VmEventOps.Engine.Arm;

namespace VmEventOps.Engine.Workflow.Actions;

/// <summary>
/// What an action needs of the attempt it runs in: ARM bounded by the message's lease and the run's end, whether the VM
/// had no record before this attempt's claim (so no earlier attempt can have started its job), the trace id to pass on,
/// and the deferral (cancelled when a wait for a job slot should be cut short).
/// </summary>
public sealed record ActionContext(ArmGateway Arm, bool KnownNew, string? TraceId, CancellationToken Deferral);
