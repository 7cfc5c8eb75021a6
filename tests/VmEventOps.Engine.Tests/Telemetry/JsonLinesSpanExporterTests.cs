using System.Diagnostics;
using System.Text.Json;
using OpenTelemetry;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Telemetry;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Telemetry;

public sealed class JsonLinesSpanExporterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task TwoWritersOfOneFile_ShouldNeverOverwriteEachOthersLines()
    {
        // Two exporters stand for two processes: each has its own file handle and position, as separate processes do.
        var path = Path.Combine(_temp.Path, "shared.jsonl");
        using var first = new JsonLinesSpanExporter(path);
        using var second = new JsonLinesSpanExporter(path);
        using var source = new ActivitySource("JsonLinesSpanExporterTests");
        using var listener = new ActivityListener { ShouldListenTo = s => s == source, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);

        void Write(JsonLinesSpanExporter exporter, string writer)
        {
            for (var i = 0; i < 1000; i++)
            {
                using var span = source.StartActivity("span")!;
                span.SetTag("writer", writer).SetTag("index", i).SetTag("padding", new string('x', 300));
                span.Stop();
                Assert.Equal(ExportResult.Success, exporter.Export(new Batch<Activity>([span], 1)));
            }
        }

        await Task.WhenAll(Task.Run(() => Write(first, "first")), Task.Run(() => Write(second, "second")));

        var tags = File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("tags")).ToList();
        Assert.Equal(2000, tags.Count);
        Assert.Equal(1000, tags.Count(t => t.GetProperty("writer").GetString() == "first"));
        Assert.Equal(Enumerable.Range(0, 1000), tags.Where(t => t.GetProperty("writer").GetString() == "second").Select(t => t.GetProperty("index").GetInt32()));
    }

    [Fact]
    public void Export_WhileAnotherHoldsTheFileLock_ShouldWaitTheBoundOnceThenDropAndCountEverySpan()
    {
        var path = Path.Combine(_temp.Path, "locked.jsonl");
        var bound = TimeSpan.FromMilliseconds(400);
        using var exporter = new JsonLinesSpanExporter(path, bound);
        using var source = new ActivitySource("JsonLinesSpanExporterTests.Locked");
        using var listener = new ActivityListener { ShouldListenTo = s => s == source, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        long counted = 0;
        using var meter = new System.Diagnostics.Metrics.MeterListener();
        meter.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == VmEventTelemetry.Name && instrument.Name == "vmeventops.telemetry.dropped_spans") l.EnableMeasurementEvents(instrument);
        };
        meter.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == VmEventTelemetry.ReasonTag && (string?)tag.Value == "TraceFileLockTimeout") Interlocked.Add(ref counted, value);
            }
        });
        meter.Start();

        // Another writer of the machine (a hung process) holds the file's named lock: a thread of its own owns the mutex.
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            using var mutex = new Mutex(false, JsonLinesSpanExporter.LockName(path));
            mutex.WaitOne();
            held.Set();
            release.Wait();
            mutex.ReleaseMutex();
        });
        holder.Start();
        held.Wait();

        ExportResult Export(string name, out TimeSpan took)
        {
            using var span = source.StartActivity(name)!;
            span.Stop();
            var clock = Stopwatch.StartNew();
            var result = exporter.Export(new Batch<Activity>([span], 1));
            took = clock.Elapsed;
            return result;
        }

        Assert.Equal(ExportResult.Failure, Export("first", out var first));
        var later = new List<TimeSpan>();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(ExportResult.Failure, Export("later", out var took));
            later.Add(took);
        }

        release.Set();
        holder.Join();
        Assert.Equal(ExportResult.Success, Export("after", out _));
        meter.RecordObservableInstruments();

        Assert.InRange(first, bound - TimeSpan.FromMilliseconds(50), bound + TimeSpan.FromSeconds(2));
        Assert.All(later, took => Assert.True(took < TimeSpan.FromMilliseconds(1000), $"a later span waited {took.TotalMilliseconds} ms"));
        Assert.Equal(11, exporter.Dropped);
        Assert.Equal(11, Interlocked.Read(ref counted));
        var line = Assert.Single(File.ReadAllLines(path));
        Assert.Equal("after", JsonDocument.Parse(line).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public void LockTimeout_ByDefault_ShouldBeTwoSeconds() => Assert.Equal(TimeSpan.FromSeconds(2), JsonLinesSpanExporter.DefaultLockTimeout);

    [Fact]
    public void ASpan_ShouldBeOneLineWithItsIdsDurationStatusAndTypedTags()
    {
        var path = Path.Combine(_temp.Path, "one.jsonl");
        using var exporter = new JsonLinesSpanExporter(path);
        using var source = new ActivitySource("JsonLinesSpanExporterTests.One");
        using var listener = new ActivityListener { ShouldListenTo = s => s == source, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        using var parent = source.StartActivity("parent")!;
        using var span = source.StartActivity("DatabaseCheck", ActivityKind.Internal)!;
        span.SetTag("vmeventops.attempt", 2).SetTag("vmeventops.outcome", "RetryScheduled").SetTag("flag", true).SetStatus(ActivityStatusCode.Error, "VmDbCheckFailed");
        span.Stop();

        exporter.Export(new Batch<Activity>([span], 1));

        var line = Assert.Single(File.ReadAllLines(path));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("DatabaseCheck", json.GetProperty("name").GetString());
        Assert.Equal("Internal", json.GetProperty("kind").GetString());
        Assert.Equal(span.TraceId.ToHexString(), json.GetProperty("traceId").GetString());
        Assert.Equal(parent.SpanId.ToHexString(), json.GetProperty("parentSpanId").GetString());
        Assert.Equal("Error", json.GetProperty("status").GetString());
        Assert.Equal("VmDbCheckFailed", json.GetProperty("statusDescription").GetString());
        Assert.Equal(2, json.GetProperty("tags").GetProperty("vmeventops.attempt").GetInt32());
        Assert.True(json.GetProperty("tags").GetProperty("flag").GetBoolean());
        Assert.Equal(span.StartTimeUtc, json.GetProperty("time").GetDateTime().ToUniversalTime());
    }
}
