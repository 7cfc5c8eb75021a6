using System.Diagnostics;
using System.Text.Json;
using OpenTelemetry;
using VmEventOps.Engine.Diagnostics;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Diagnostics;

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
