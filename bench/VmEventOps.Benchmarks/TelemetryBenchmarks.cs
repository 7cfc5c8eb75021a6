using BenchmarkDotNet.Attributes;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Telemetry;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Benchmarks;

/// <summary>
/// What traces and metrics cost per message, with export off and on: the processor's own telemetry object (message span,
/// six stage spans, outcome counter and histograms) through a whole message, without the I/O of the stages themselves.
/// Off: nothing listens. TraceFile: every span written to a file as it ends. Otlp: spans batched for a collector (gRPC,
/// a closed loopback port: the export itself happens on the SDK's thread) and metrics aggregated.
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks
{
    private static readonly string[] Stages = ["Parse", "State", "VmLookup", "Claim", "DatabaseCheck", "Runbook", "Route"];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vmeventops-bench-" + Guid.NewGuid().ToString("n"));
    private VmEvent _event = null!;

    [Params("Off", "TraceFile", "Otlp")]
    public string Export { get; set; } = "Off";

    [GlobalSetup]
    public void Setup()
    {
        const string vm = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-load/providers/Microsoft.Compute/virtualMachines/vm-load-0001";
        _event = new EventFilter(["*"]).Apply(EventParser.Parse(EventSeeder.CreateEvent(EventSeeder.DefaultSample, vm, DateTimeOffset.UtcNow)).Events[0]);
        var options = Export switch
        {
            "TraceFile" => new VmEventOptions { TraceFile = Path.Combine(_directory, "traces.jsonl") },
            "Otlp" => new VmEventOptions { OtlpEndpoint = new Uri("http://127.0.0.1:9/") },
            _ => new VmEventOptions(),
        };
        VmEventEngine.ExportTelemetry(options, NullHostLog.Instance);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        TelemetryExport.Shutdown();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The telemetry of one message that is onboarded: every stage, then Succeeded.</summary>
    [Benchmark]
    public TimeSpan OneMessage()
    {
        using var telemetry = new MessageTelemetry(null, QueueKind.Main, 1);
        telemetry.Describe(_event);
        foreach (var stage in Stages) telemetry.Stage.Start(stage);
        telemetry.Complete(VmEventOutcome.Succeeded, Reason.Of(ReasonCodes.JobStarted), 1);
        return telemetry.Elapsed;
    }
}
