using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VmEventOps.Engine.Telemetry;

/// <summary>
/// The module's traces and metrics, with the standard .NET API: an <see cref="ActivitySource"/> and a <see cref="Meter"/>
/// named <c>VmEventOps</c>. Nothing is recorded unless a listener (an exporter) subscribes; tags carry identifiers and
/// outcomes, never a message body, an error text or a setting, so no secret can reach them.
/// </summary>
public static class VmEventTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "VmEventOps";

    /// <summary>Traces: one activity per processed message, a child per stage.</summary>
    public static readonly ActivitySource Source = new(Name, typeof(VmEventTelemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>Metrics.</summary>
    public static readonly Meter Meter = new(Name, typeof(VmEventTelemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>Messages processed, by outcome and reason code.</summary>
    public static readonly Counter<long> Events = Meter.CreateCounter<long>("vmeventops.events", "{message}", "Messages processed, by outcome and reason code.");

    /// <summary>Messages deferred because Azure throttled (no attempt used up).</summary>
    public static readonly Counter<long> ThrottleDeferrals = Meter.CreateCounter<long>("vmeventops.throttle.deferrals", "{message}", "Messages deferred to the retry queue because Azure throttled.");

    /// <summary>End-to-end duration of processing one message.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("vmeventops.event.duration", "ms", "Time to process one message, receipt to routing.");

    /// <summary>Duration of one stage.</summary>
    public static readonly Histogram<double> StageDuration = Meter.CreateHistogram<double>("vmeventops.stage.duration", "ms", "Time of one stage of processing a message.");

    /// <summary>Requests to Azure Resource Manager (each try, Azure.Core's retries included), by operation and status.</summary>
    public static readonly Counter<long> ArmRequests = Meter.CreateCounter<long>("vmeventops.arm.requests", "{request}", "Requests to Azure Resource Manager, each try counted, by operation and HTTP status (0: no answer).");

    /// <summary>Duration of one request to Azure Resource Manager.</summary>
    public static readonly Histogram<double> ArmDuration = Meter.CreateHistogram<double>("vmeventops.arm.duration", "ms", "Time of one request to Azure Resource Manager, by operation and HTTP status.");

    /// <summary>Spans not exported, by reason (TraceFileLockTimeout: another process held the trace file's lock too long).</summary>
    public static readonly Counter<long> DroppedSpans = Meter.CreateCounter<long>("vmeventops.telemetry.dropped_spans", "{span}",
        "Spans dropped instead of exported, by reason: TraceFileLockTimeout when another process held the trace file's append lock longer than the bound.");

    /// <summary>Messages in each queue, as a running worker last counted them.</summary>
    public static readonly ObservableGauge<long> QueueDepth = Meter.CreateObservableGauge("vmeventops.queue.depth", QueueDepths.Observe, "{message}",
        "Approximate number of messages in each queue (scheduled retries included), counted by running workers.");

    // Tag names.
    public const string EventIdTag = "vmeventops.event_id";
    public const string CorrelationIdTag = "vmeventops.correlation_id";
    public const string VmResourceIdTag = "vmeventops.vm_resource_id";
    public const string AttemptTag = "vmeventops.attempt";
    public const string OutcomeTag = "vmeventops.outcome";
    public const string ReasonTag = "vmeventops.reason";
    public const string StageTag = "vmeventops.stage";
    public const string QueueTag = "vmeventops.queue";
    public const string QueueNameTag = "vmeventops.queue_name";
    public const string ArmOperationTag = "vmeventops.arm.operation";
    public const string HttpStatusTag = "http.response.status_code";

    /// <summary>A reason's code as a bounded tag value ("None" when there is none; "Other" for anything but a short identifier), never its detail.</summary>
    public static string BoundedCode(string? code) =>
        string.IsNullOrEmpty(code) ? "None" : code.Length <= 64 && code.All(c => char.IsLetterOrDigit(c) || c is '_' or '-') ? code : "Other";
}
