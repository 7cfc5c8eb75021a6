using System.Diagnostics;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Telemetry;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// The traces and metrics of processing one message: its activity (continuing the trace of the event's earlier attempts,
/// whose context travels in the envelope; a fresh event's under the host invocation that delivered it, when the host
/// says which), the current stage, and at the end the outcome's tags, counter and duration.
/// Without a listener no activity exists, and only the duration samples remain.
/// </summary>
internal sealed class MessageTelemetry : IDisposable
{
    private readonly Stopwatch _total = Stopwatch.StartNew();

    public MessageTelemetry(string? traceParent, QueueKind queue, int attempt, string? hostTraceParent = null)
    {
        var continues = ActivityContext.TryParse(traceParent, null, out var earlier);
        var hosted = ActivityContext.TryParse(hostTraceParent, null, out var host);
        // One trace per event across its attempts; the invocation that delivered a later attempt is linked, not the parent.
        var parent = continues ? earlier : hosted ? host : default;
        ActivityLink[]? links = continues && hosted ? [new ActivityLink(host)] : null;
        Activity = VmEventTelemetry.Source.StartActivity("VmEventOps.ProcessMessage", ActivityKind.Consumer, parent, links: links);
        Activity?.SetTag(VmEventTelemetry.QueueTag, queue.ToString()).SetTag(VmEventTelemetry.AttemptTag, attempt);
        TraceId = Activity?.TraceId.ToHexString();
        Stage = new StageSpan(Activity);
    }

    /// <summary>The message's activity (null when nobody listens).</summary>
    public Activity? Activity { get; }

    /// <summary>The stage in progress.</summary>
    public StageSpan Stage { get; }

    /// <summary>The W3C trace id, when traces are recorded.</summary>
    public string? TraceId { get; }

    /// <summary>Time since the message was taken up.</summary>
    public TimeSpan Elapsed => _total.Elapsed;

    /// <summary>Tags the event the message holds (ids only).</summary>
    public void Describe(VmEvent? vmEvent) =>
        Activity?.SetTag(VmEventTelemetry.EventIdTag, vmEvent?.EventId).SetTag(VmEventTelemetry.CorrelationIdTag, vmEvent?.CorrelationId)
            .SetTag(VmEventTelemetry.VmResourceIdTag, vmEvent?.ParsedVmId?.Value);

    /// <summary>Ends the stage, tags the outcome (a bounded reason code, never its text) and counts it.</summary>
    public void Complete(VmEventOutcome outcome, Reason? reason, int attempt)
    {
        Stage.End();
        var code = VmEventTelemetry.BoundedCode(reason?.Code);
        var name = outcome.ToString();
        Activity?.SetTag(VmEventTelemetry.OutcomeTag, name).SetTag(VmEventTelemetry.ReasonTag, code).SetTag(VmEventTelemetry.AttemptTag, attempt);
        if (outcome == VmEventOutcome.DeadLettered) Activity?.SetStatus(ActivityStatusCode.Error, code);
        VmEventTelemetry.Events.Add(1, new KeyValuePair<string, object?>(VmEventTelemetry.OutcomeTag, name), new KeyValuePair<string, object?>(VmEventTelemetry.ReasonTag, code));
        VmEventTelemetry.Duration.Record(_total.Elapsed.TotalMilliseconds, new KeyValuePair<string, object?>(VmEventTelemetry.OutcomeTag, name));
    }

    public void Dispose()
    {
        Stage.Dispose();
        Activity?.Dispose();
    }
}
