using VmEventOps.Engine.Arm;

namespace VmEventOps.Engine.Workflow.Steps;

/// <summary>
/// What the steps of one attempt share: ARM bounded by the message's lease and the run's end, the stage timer, the trace
/// id, when the event was first seen, and the deferral (cancelled when a wait should be cut short).
/// </summary>
internal sealed record AttemptContext(ArmGateway Arm, StageTimer Stages, string? TraceId, DateTimeOffset FirstSeen, CancellationToken Deferral);
