using BenchmarkDotNet.Attributes;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Benchmarks;

/// <summary>The engine's per-message hot paths, without I/O: what every event costs before any Azure call.</summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private const string VmId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-load/providers/Microsoft.Compute/virtualMachines/vm-load-0001";
    private readonly EventFilter _filter = new(["/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-load"]);
    private string _rawEvent = string.Empty;
    private string _base64Event = string.Empty;
    private string _envelope = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _rawEvent = EventSeeder.CreateEvent(EventSeeder.DefaultSample, VmId, DateTimeOffset.UtcNow);
        _base64Event = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(_rawEvent));
        _envelope = NewEnvelope().Serialize();
    }

    /// <summary>A queue message as Event Grid writes it (base64) to the accepted VM event: decode, parse, filter.</summary>
    [Benchmark(Baseline = true)]
    public VmEvent ParseAndFilter()
    {
        var parsed = EventParser.Parse(_base64Event);
        return _filter.Apply(parsed.Events[0]);
    }

    /// <summary>The same from raw JSON (a message written by another tool).</summary>
    [Benchmark]
    public VmEvent ParseAndFilterRawJson() => _filter.Apply(EventParser.Parse(_rawEvent).Events[0]);

    /// <summary>What a retry costs in the envelope: read it, add a history entry, write it back.</summary>
    [Benchmark]
    public string EnvelopeRoundTrip()
    {
        if (!MessageEnvelope.TryParse(_envelope, out var envelope)) throw new InvalidOperationException("The benchmark's envelope does not parse.");
        return envelope!.WithHistory(DateTimeOffset.UtcNow, "DatabaseCheck", "VmDbCheckFailed: the server did not answer").Serialize();
    }

    private MessageEnvelope NewEnvelope() => new MessageEnvelope
    {
        Attempt = 2,
        FirstSeen = DateTimeOffset.UtcNow,
        Reason = "DatabaseCheck",
        Original = _base64Event,
    }.WithHistory(DateTimeOffset.UtcNow, "DatabaseCheck", "VmDbCheckFailed: the server did not answer");
}
