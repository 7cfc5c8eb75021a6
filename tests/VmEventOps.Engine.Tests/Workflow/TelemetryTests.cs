using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using VmEventOps.Emulators;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Telemetry;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Workflow;

/// <summary>
/// Traces and metrics through the OpenTelemetry SDK's in-memory exporters, against Azurite and the emulators. In the
/// Azurite collection, whose tests run one at a time: no other test processes a message meanwhile, so metric counts are
/// this test's alone.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TelemetryTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";
    private const string PlantedSecret = "Planted-Client-Secret-7c2d";
    private readonly TempDirectory _temp = new();
    private ArmEmulator _arm = null!;

    public async Task InitializeAsync() => _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AnEventThatFailsTwiceThenSucceeds_ShouldBeOneTraceAcrossItsAttempts_AndCountEachOutcomeOnce()
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(VmEventTelemetry.Name).AddInMemoryExporter(spans).Build();
        using var metering = Sdk.CreateMeterProviderBuilder().AddMeter(VmEventTelemetry.Name).AddInMemoryExporter(metrics).Build();
        var database = Path.Combine(_temp.Path, "late.db");
        var options = WorkflowTestOptions.For(azurite, _arm) with
        {
            DbProvider = DbProvider.Sqlite,
            DbServer = database,
            ClientSecret = PlantedSecret,
            RetryBaseDelay = TimeSpan.FromSeconds(1),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
        };
        var queues = VmEventEngine.For(options).Queues(NullHostLog.Instance);
        var processor = VmEventEngine.For(options).Processor(NullHostLog.Instance);
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-traced", ["10.0.4.10"]);
        await queues.SendToMainAsync(QueueTestMessages.EventFor(vm.Id));

        // Attempts 1 and 2: the VM's database is not there yet; attempt 3: it is.
        var results = new List<VmEventResult>
        {
            await processor.ProcessAsync(await queues.ReceiveOneAsync(), false, CancellationToken.None),
        };
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            if (attempt == 3)
            {
                await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
                await connection.OpenAsync();
            }

            var retry = await ReceiveWhenDue(queues);
            results.Add(await processor.ProcessAsync(retry, false, CancellationToken.None));
        }

        tracing.ForceFlush();
        metering.ForceFlush();

        Assert.Equal([VmEventOutcome.RetryScheduled, VmEventOutcome.RetryScheduled, VmEventOutcome.Succeeded], results.Select(r => r.Outcome));
        var messages = spans.Where(s => s.OperationName == "VmEventOps.ProcessMessage" && (string?)s.GetTagItem(VmEventTelemetry.VmResourceIdTag) == VmResourceId.Parse(vm.Id).Value).ToList();
        Assert.Equal(3, messages.Count);
        Assert.Single(messages.Select(m => m.TraceId).Distinct());
        Assert.Equal(default, messages[0].ParentSpanId);
        Assert.Equal(messages[0].SpanId, messages[1].ParentSpanId);   // each attempt continues the one before
        Assert.Equal(messages[1].SpanId, messages[2].ParentSpanId);
        Assert.Equal([1, 2, 3], messages.Select(m => (int)m.GetTagItem(VmEventTelemetry.AttemptTag)!));
        Assert.Equal(["RetryScheduled", "RetryScheduled", "Succeeded"], messages.Select(m => (string)m.GetTagItem(VmEventTelemetry.OutcomeTag)!));
        Assert.Equal(ErrorIds.DbCheckFailed, messages[0].GetTagItem(VmEventTelemetry.ReasonTag));

        // The first claim (or the state read) and the VM GET run at the same time: either may end first.
        string[] StagesOf(Activity message)
        {
            var stages = spans.Where(s => s.ParentSpanId == message.SpanId && s.TraceId == message.TraceId && !messages.Contains(s)).Select(s => s.OperationName).ToArray();
            return [stages[0], .. stages[1..3].Order(StringComparer.Ordinal), .. stages[3..]];
        }
        // A new VM is claimed by the insert of its record (State); a later attempt reads the record there and claims it.
        Assert.Equal(["Parse", "State", "VmLookup", "DatabaseCheck", "Route"], StagesOf(messages[0]));
        Assert.Equal(["Parse", "State", "VmLookup", "Claim", "DatabaseCheck", "Runbook", "Route"], StagesOf(messages[2]));
        Assert.Equal(ActivityStatusCode.Error, spans.Single(s => s.ParentSpanId == messages[0].SpanId && s.OperationName == "DatabaseCheck").Status);
        Assert.All(spans.Where(s => s.ParentSpanId == messages[2].SpanId && !messages.Contains(s)), s => Assert.Same(messages[2], s.Parent));

        // The runbook job carries the trace id, so its logs can be joined with the trace.
        var job = Assert.Single(_arm.Model.Jobs.Values, j => j.Parameters["VmName"] == "\"vm-traced\"");
        Assert.Equal($"\"{messages[0].TraceId.ToHexString()}\"", job.Parameters["TraceId"]);

        var events = metrics.Where(m => m.Name == "vmeventops.events").SelectMany(m => Points(m)).ToList();
        Assert.Equal(2, events.Where(p => p.Tags["vmeventops.outcome"] == "RetryScheduled").Sum(p => p.Value));
        Assert.Equal(1, events.Where(p => p.Tags["vmeventops.outcome"] == "Succeeded").Sum(p => p.Value));
        // Each try of each ARM request, by operation and status (other collections may call ARM meanwhile: at least ours).
        var arm = metrics.Where(m => m.Name == "vmeventops.arm.requests").SelectMany(m => Points(m)).ToList();
        long Arm(string operation, string status) => arm.Where(p => p.Tags[VmEventTelemetry.ArmOperationTag] == operation && p.Tags[VmEventTelemetry.HttpStatusTag] == status).Sum(p => p.Value);
        Assert.True(Arm("Microsoft.Compute/virtualMachines/read", "200") >= 3);
        Assert.True(Arm("Microsoft.Network/networkInterfaces/read", "200") >= 3);
        Assert.True(Arm("Microsoft.Automation/automationAccounts/jobs/write", "201") >= 1);
        Assert.Contains(metrics, m => m.Name == "vmeventops.arm.duration");
        Assert.Contains(metrics, m => m.Name == "vmeventops.stage.duration");
        Assert.Contains(metrics, m => m.Name == "vmeventops.event.duration");

        // No secret in any span: not the planted client secret, not the storage account key.
        var accountKey = AzuriteFixture.AccountKey;
        foreach (var text in spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(s.StatusDescription ?? string.Empty).Append(s.DisplayName)))
        {
            Assert.DoesNotContain(PlantedSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(accountKey, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task QueueDepthMonitor_WhileAnExporterListens_ShouldReportEachQueuesCount_ScheduledRetriesIncluded()
    {
        var metrics = new List<MetricSnapshot>();
        using var metering = Sdk.CreateMeterProviderBuilder().AddMeter(VmEventTelemetry.Name).AddInMemoryExporter(metrics).Build();
        var options = azurite.UniqueQueues();
        var queues = VmEventEngine.For(options).Queues(NullHostLog.Instance);
        await queues.SendAsync(QueueKind.Retry, "{}", TimeSpan.FromHours(1), CancellationToken.None);   // invisible, still counted
        await queues.SendAsync(QueueKind.Retry, "{}", TimeSpan.FromHours(1), CancellationToken.None);
        await queues.SendAsync(QueueKind.Poison, "{}", null, CancellationToken.None);
        await queues.CountAsync(QueueKind.Main, CancellationToken.None);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await new QueueDepthMonitor(queues, NullHostLog.Instance).RunAsync(TimeSpan.FromMinutes(1), stop.Token);
        metering.ForceFlush();

        var depths = metrics.Where(m => m.Name == "vmeventops.queue.depth").SelectMany(m => Points(m, p => p.GetGaugeLastValueLong()))
            .Select(p => (Name: p.Tags[VmEventTelemetry.QueueNameTag], Kind: p.Tags[VmEventTelemetry.QueueTag], p.Value)).ToList();
        Assert.Contains((options.RetryQueueName, "Retry", 2L), depths);
        Assert.Contains((options.PoisonQueueName, "Poison", 1L), depths);
        Assert.Contains((options.QueueName, "Main", 0L), depths);
    }

    [Fact]
    public async Task AMessageDeliveredByAHostInvocation_ShouldStartItsTraceUnderIt_AndALaterAttemptShouldOnlyLinkToItsHost()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(VmEventTelemetry.Name).AddInMemoryExporter(spans).Build();
        var database = Path.Combine(_temp.Path, "hosted.db");   // not there for the first attempt: it is retried
        var options = WorkflowTestOptions.For(azurite, _arm) with
        {
            DbProvider = DbProvider.Sqlite,
            DbServer = database,
            RetryBaseDelay = TimeSpan.FromSeconds(1),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
        };
        var processor = VmEventEngine.For(options).Processor(NullHostLog.Instance);
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-hosted", ["10.0.4.11"]);
        var host = ActivityContext.Parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);
        var laterHost = ActivityContext.Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
        var delivered = EventProcessor.Detached(QueueTestMessages.EventFor(vm.Id), QueueKind.Main, options.QueueName) with
        {
            HostTraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        };

        var first = await processor.ProcessAsync(delivered, false, CancellationToken.None);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync();
        }

        var retry = await ReceiveWhenDue(VmEventEngine.For(options).Queues(NullHostLog.Instance)) with { HostTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
        var second = await processor.ProcessAsync(retry, false, CancellationToken.None);
        tracing.ForceFlush();

        Assert.Equal((VmEventOutcome.RetryScheduled, VmEventOutcome.Succeeded), (first.Outcome, second.Outcome));
        var messages = spans.Where(s => s.OperationName == "VmEventOps.ProcessMessage" && (string?)s.GetTagItem(VmEventTelemetry.VmResourceIdTag) == VmResourceId.Parse(vm.Id).Value).ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal(host.TraceId, messages[0].TraceId);        // under the invocation that delivered it
        Assert.Equal(host.SpanId, messages[0].ParentSpanId);
        Assert.Equal(host.TraceId, messages[1].TraceId);        // the event's one trace goes on ...
        Assert.Equal(messages[0].SpanId, messages[1].ParentSpanId);
        Assert.Equal(laterHost, Assert.Single(messages[1].Links).Context);   // ... and links the invocation of the retry
        Assert.Empty(messages[0].Links);
    }

    [Fact]
    public async Task AMessageWithAHostTraceParentThatIsNotOne_ShouldStartATraceOfItsOwn()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(VmEventTelemetry.Name).AddInMemoryExporter(spans).Build();
        var options = WorkflowTestOptions.For(azurite, _arm);
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-hosted-bad", ["10.0.4.12"]);
        var delivered = EventProcessor.Detached(QueueTestMessages.EventFor(vm.Id), QueueKind.Main, options.QueueName) with { HostTraceParent = "not-a-traceparent" };

        var result = await VmEventEngine.For(options).Processor(NullHostLog.Instance).ProcessAsync(delivered, false, CancellationToken.None);
        tracing.ForceFlush();

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        var message = Assert.Single(spans, s => s.OperationName == "VmEventOps.ProcessMessage" && (string?)s.GetTagItem(VmEventTelemetry.VmResourceIdTag) == VmResourceId.Parse(vm.Id).Value);
        Assert.Equal(default, message.ParentSpanId);
    }

    private static async Task<VmEventMessage> ReceiveWhenDue(QueueManager queues)
    {
        for (var i = 0; i < 40; i++)
        {
            var due = await queues.ReceiveAsync(QueueKind.Retry, 1, TimeSpan.FromMinutes(1), null, CancellationToken.None);
            if (due.Count > 0) return due[0];
            await Task.Delay(250);
        }

        throw new TimeoutException("The retry never came due.");
    }

    /// <summary>Each point of a metric with its tags; a counter's sum unless <paramref name="value"/> reads another value.</summary>
    private static List<(Dictionary<string, string?> Tags, long Value)> Points(MetricSnapshot metric, Func<MetricPoint, long>? value = null)
    {
        var points = new List<(Dictionary<string, string?> Tags, long Value)>();
        foreach (var point in metric.MetricPoints)
        {
            var tags = new Dictionary<string, string?>();
            foreach (var tag in point.Tags) tags[tag.Key] = tag.Value?.ToString();
            points.Add((tags, value is null ? point.GetSumLong() : value(point)));
        }

        return points;
    }
}
