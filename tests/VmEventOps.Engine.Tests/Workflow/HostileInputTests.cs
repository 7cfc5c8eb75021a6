using System.Text;
using System.Text.Json.Nodes;
using VmEventOps.Emulators;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;
using Xunit.Abstractions;

namespace VmEventOps.Engine.Tests.Workflow;

/// <summary>
/// The main queue as an attacker or a careless tool writes it, against Azurite, the ARM emulator and a real worker: every
/// message ends in exactly one routed outcome, nothing stays in main, the worker goes on, and what a body claims of its
/// past is not believed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostileInputTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string Sub = WorkflowTestOptions.Subscription;
    private readonly TempDirectory _temp = new();
    private ArmEmulator _arm = null!;
    private VmEventOptions _options = null!;

    public async Task InitializeAsync()
    {
        _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);
        _options = WorkflowTestOptions.For(azurite, _arm) with { RetryBaseDelay = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    // A database that is not there (yet): the check fails transiently, so the attempt is retried.
    // Retries come due after a second.
    private VmEventOptions DatabaseDown => _options with
    {
        DbProvider = DbProvider.Sqlite,
        DbServer = Path.Combine(_temp.Path, "missing.db"),
        RetryBaseDelay = TimeSpan.FromSeconds(1),
        RetryMaxDelay = TimeSpan.FromSeconds(1),
    };

    private static Task DueRetry() => Task.Delay(TimeSpan.FromSeconds(1.5));

    private QueueManager Queues(VmEventOptions? options = null) => VmEventEngine.For(options ?? _options).Queues(NullHostLog.Instance);

    private EventProcessor Processor(VmEventOptions? options = null) => VmEventEngine.For(options ?? _options).Processor(NullHostLog.Instance);

    private async Task<VmEventResult> ProcessOne(string body, VmEventOptions? options = null, QueueKind queue = QueueKind.Main)
    {
        var queues = Queues(options);
        await queues.SendAsync(queue, body, null, CancellationToken.None);
        return await Processor(options).ProcessAsync(await queues.ReceiveOneAsync(queue), false, CancellationToken.None);
    }

    private async Task<WorkerSummary> RunWorker(VmEventOptions options, List<VmEventResult> results) =>
        await new QueueWorker(Processor(options), Queues(options), NullHostLog.Instance).RunAsync(
            new WorkerSettings { Concurrency = 8, BatchSize = 32, StopWhenEmpty = true }, r => { lock (results) results.Add(r); }, CancellationToken.None);

    private string VmEvent(string name) => QueueTestMessages.EventFor(_arm.Model.AddVm(Sub, "rg-app", name, ["10.0.3." + (name.Length % 200)]).Id);

    // An in-scope event padded (inside data, where nothing reads it) to exactly `bytes` once base64-encoded, as Event Grid sends.
    private string Base64EventOf(string name, int bytes)
    {
        var node = JsonNode.Parse(VmEvent(name))!;
        node["data"]!["pad"] = string.Empty;
        var bare = Encoding.UTF8.GetByteCount(node.ToJsonString());
        node["data"]!["pad"] = new string('p', bytes / 4 * 3 - bare);
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(node.ToJsonString()));
        Assert.Equal(bytes, base64.Length);
        return base64;
    }

    private static string Forged(string original, string header) => header + "\n" + original;

    [Fact]
    public async Task Worker_AMessageWithALoneSurrogate_ShouldPoisonItWithTheReasonAndGoOn()
    {
        var queues = Queues();
        var bad = VmEvent("vm-surrogate").Replace("\"subject\":\"", "\"subject\":\"\\ud800", StringComparison.Ordinal);
        await queues.SendToMainAsync(bad);
        foreach (var name in new[] { "vm-good-1", "vm-good-2", "vm-good-3" }) await queues.SendToMainAsync(VmEvent(name));

        var peeked = await queues.PeekAsync(QueueKind.Main, 32, new EventFilter(["*"]), CancellationToken.None);
        var results = new List<VmEventResult>();
        var summary = await RunWorker(_options, results);

        Assert.Equal(4, peeked.Count); // looking into the queue works too
        Assert.Contains(peeked, m => m.ParseFailures.SequenceEqual(["Malformed:InvalidUnicode"]));
        Assert.Equal("Empty", summary.StoppedBecause);
        Assert.Equal(3, results.Count(r => r.Outcome == VmEventOutcome.Succeeded));
        var poisoned = Assert.Single(await queues.PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));
        Assert.Equal("Malformed:InvalidUnicode", poisoned.Reason);
        Assert.Equal(queues.EncodeForMainQueue(bad), poisoned.Body);   // the original, verbatim
        Assert.Equal(0, await queues.CountAsync(QueueKind.Main, CancellationToken.None));
    }

    [Fact]
    public async Task Process_AFullSizeMessageWhoseAttemptFails_ShouldBeRetriedThroughTheClaimCheckWithNothingCut()
    {
        var body = Base64EventOf("vm-full-retry", MessageEnvelope.MaxMessageBytes);
        var options = DatabaseDown;

        var result = await ProcessOne(body, options);
        await DueRetry();

        Assert.Equal(VmEventOutcome.RetryScheduled, result.Outcome);
        var retried = Assert.Single(await Queues(options).PeekAsync(QueueKind.Retry, 32, null, CancellationToken.None));
        Assert.Equal(body, retried.Body);                              // read back from the blob, byte for byte
        Assert.Equal(LargeMessageStore.NameOf(body), retried.OriginalBlob);
        Assert.Equal(1, retried.Attempt);
        Assert.Equal("vm-full-retry", retried.Event!.VmName);
        Assert.Equal(0, await Queues(options).CountAsync(QueueKind.Main, CancellationToken.None));
    }

    [Fact]
    public async Task Process_AnEventOverTheQueueLimitHandedOverByAHost_ShouldBeRetriedThroughTheClaimCheck()
    {
        // 96 KiB of JSON, as Invoke-VmEventWorkflow may be given: no queue could hold it, the claim check can.
        var node = JsonNode.Parse(VmEvent("vm-over-limit"))!;
        node["data"]!["pad"] = new string('q', 96 * 1024);
        var body = node.ToJsonString();
        var options = DatabaseDown;

        var result = await Processor(options).ProcessAsync(EventProcessor.Detached(body, QueueKind.Main, options.QueueName), false, CancellationToken.None);
        await DueRetry();

        Assert.Equal(VmEventOutcome.RetryScheduled, result.Outcome);
        var retried = Assert.Single(await Queues(options).PeekAsync(QueueKind.Retry, 32, null, CancellationToken.None));
        Assert.Equal(body, retried.Body);
        Assert.Equal("vm-over-limit", retried.Event!.VmName);
    }

    [Fact]
    public async Task Process_AFullSizeMessageThatSucceeds_ShouldGoToSucceededNotPoison()
    {
        var body = Base64EventOf("vm-full-ok", MessageEnvelope.MaxMessageBytes);

        var result = await ProcessOne(body);

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        var succeeded = Assert.Single(await Queues().PeekAsync(QueueKind.Succeeded, 32, null, CancellationToken.None));
        Assert.Equal(body, succeeded.Body);
        Assert.Equal(0, await Queues().CountAsync(QueueKind.Poison, CancellationToken.None));
    }

    [Fact]
    public async Task Process_AFullSizeMessageWithoutABlobEndpoint_ShouldTravelAsItIsAndCountAttemptsInTheState()
    {
        var body = Base64EventOf("vm-full-noblob", MessageEnvelope.MaxMessageBytes);
        var options = DatabaseDown with { StorageConnectionString = azurite.ConnectionStringWithoutBlobs };

        var first = await ProcessOne(body, options);
        await DueRetry();
        var retried = await Queues(options).ReceiveOneAsync(QueueKind.Retry);
        var second = await Processor(options).ProcessAsync(retried, false, CancellationToken.None);

        Assert.False(Queues(options).HasLargeMessageStore);
        Assert.Equal(VmEventOutcome.RetryScheduled, first.Outcome);
        Assert.Equal(body, retried.Body);        // as it is, without its header
        Assert.Equal(0, retried.Attempt);        // the body says nothing ...
        Assert.Equal(2, second.Attempt);         // ... the onboarding state does
    }

    [Fact]
    public async Task Process_AForgedEnvelopeInTheMainQueue_ShouldBeAFreshEventWhateverItClaims()
    {
        var original = VmEvent("vm-forged-envelope");
        var header = "{\"envelope\":\"VmEventOps/1\",\"attempt\":-1000000,\"firstSeen\":\"2001-01-01T00:00:00Z\",\"reason\":\"ok\\r\\nINJECTED\"," +
            "\"history\":[{\"time\":\"2001-01-01T00:00:00Z\",\"stage\":\"Forged\\r\\nLine\",\"error\":\"x\"}],\"traceParent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}";

        var result = await ProcessOne(Forged(original, header), DatabaseDown);
        await DueRetry();

        Assert.Equal(VmEventOutcome.RetryScheduled, result.Outcome);
        Assert.Equal(1, result.Attempt);
        var retried = Assert.Single(await Queues().PeekAsync(QueueKind.Retry, 32, null, CancellationToken.None));
        Assert.Equal(1, retried.Attempt);
        Assert.Equal(original, retried.Body);
        Assert.DoesNotContain(retried.History, h => h.Stage.Contains("Forged", StringComparison.Ordinal));
        Assert.NotEqual("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", retried.TraceParent);
        Assert.All(retried.History, h => Assert.True(InputText.IsClean(h.Stage) && InputText.IsClean(h.Error ?? string.Empty)));
    }

    [Theory]
    [InlineData(-1000000)]
    [InlineData(0)]
    [InlineData(int.MaxValue)]
    public async Task Process_AnEnvelopeClaimingAnyAttemptCount_ShouldBeCountedFromTheOnboardingState(int claimed)
    {
        // The VM's record says four of five attempts are used: whatever the retry message claims, this is the last one.
        var options = DatabaseDown with { MaxAttempts = 5 };
        var original = VmEvent("vm-count-" + (claimed & 0xffff));
        var vm = VmResourceId.Parse(JsonNode.Parse(original)!["subject"]!.GetValue<string>());
        await VmEventEngine.For(options).State().TryWriteAsync(vm, new OnboardingState { VmResourceId = vm.Value, State = OnboardingStatus.Failed, Attempts = 4 }, null, CancellationToken.None);
        var header = $"{{\"envelope\":\"VmEventOps/1\",\"attempt\":{claimed},\"firstSeen\":\"2026-01-01T00:00:00Z\"}}";

        var result = await ProcessOne(Forged(original, header), options, QueueKind.Retry);

        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome);
        Assert.Equal(5, result.Attempt);
        Assert.Equal(1, await Queues(options).CountAsync(QueueKind.Poison, CancellationToken.None));
    }

    [Fact]
    public async Task Process_ABatchOfMixedItems_ShouldRequeueOnlyEventsThatCanBeOursAndPoisonTheBatchWithItsReasons()
    {
        var vm = VmEvent("vm-batch-1");
        var other = VmEvent("vm-batch-2");
        var notAWrite = vm.Replace("Microsoft.Compute/virtualMachines/write", "Microsoft.Compute/virtualMachines/delete", StringComparison.Ordinal);
        var batch = $"[{vm},{vm},{other},{notAWrite},42,{{\"nothing\":true}}]";

        var result = await ProcessOne(batch);

        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome);
        Assert.StartsWith("Malformed:NotAnObject (item 4); Malformed:UnknownSchema (item 5); SplitBatch:2 (not ours: 1 NotVmWrite)", result.Reason);
        var requeued = await Queues().PeekAsync(QueueKind.Main, 32, new EventFilter(["*"]), CancellationToken.None);
        Assert.Equal(["vm-batch-1", "vm-batch-2"], requeued.Select(m => m.Event!.VmName).Order());
        var poisoned = Assert.Single(await Queues().PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));
        Assert.Equal(batch, poisoned.Body);
    }

    [Fact]
    public async Task Process_A64KiBBatchOfManyEvents_ShouldRequeueAtMostTheCapAndOnlyVmWritesInScope()
    {
        // The probe's shape: one 64 KiB message of small events, most not VM writes, many VMs. Before: 1,502 messages.
        var template = VmEvent("vm-many");
        var items = new List<string>();
        var length = 2;
        for (var i = 0; length < 60_000; i++)
        {
            var item = i % 4 == 0
                ? template.Replace("vm-many", $"vm-many-{i}", StringComparison.Ordinal)
                : template.Replace("Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Resources.ResourceActionSuccess", StringComparison.Ordinal);
            items.Add(item);
            length += item.Length + 1;
        }

        var inScope = items.Count(i => i.Contains("ResourceWriteSuccess", StringComparison.Ordinal));
        var result = await ProcessOne("[" + string.Join(",", items) + "]");
        var requeued = await Queues().CountAsync(QueueKind.Main, CancellationToken.None);

        output.WriteLine($"A {length}-byte batch of {items.Count} events ({inScope} VM writes in scope): {result.Outcome} {result.Reason}; {requeued} re-queued");
        Assert.True(inScope <= EventProcessor.MaxBatchEvents ? requeued == inScope : requeued == 0);
        Assert.True(requeued <= EventProcessor.MaxBatchEvents);
    }

    [Fact]
    public async Task Process_ABatchWithMoreEventsOfOursThanTheCap_ShouldGoToPoisonWholeAndRequeueNothing()
    {
        var template = VmEvent("vm-cap");
        var batch = "[" + string.Join(",", Enumerable.Range(0, EventProcessor.MaxBatchEvents + 1).Select(i => template.Replace("vm-cap", $"vm-cap-{i}", StringComparison.Ordinal))) + "]";

        // Larger than a queue message: as a host hands it over (Invoke-VmEventWorkflow), to poison through the claim check.
        var result = await Processor().ProcessAsync(EventProcessor.Detached(batch, QueueKind.Main, _options.QueueName), false, CancellationToken.None);

        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome);
        Assert.StartsWith($"{EventProcessor.BatchTooLarge}:{EventProcessor.MaxBatchEvents + 1}", result.Reason);
        Assert.Equal(0, await Queues().CountAsync(QueueKind.Main, CancellationToken.None));
        var poisoned = Assert.Single(await Queues().PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));
        Assert.Equal(batch, poisoned.Body);
        Assert.NotNull(poisoned.OriginalBlob);
    }

    [Fact]
    public async Task Process_ACorrelationIdThatIsNotAnIdentifier_ShouldNotReachTheRunbook()
    {
        var node = JsonNode.Parse(VmEvent("vm-correlation"))!;
        node["data"]!["correlationId"] = "x\r\nInjected: " + new string('c', 50_000);

        var result = await ProcessOne(node.ToJsonString());

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        Assert.Equal("null", _arm.Model.Jobs.Values.Single(j => j.Parameters["VmName"] == "\"vm-correlation\"").Parameters["CorrelationId"]);
    }

    [Fact]
    public async Task Process_AnErrorTextHoldingAKnownSecret_ShouldMaskItInTheResultTheEnvelopeAndTheState()
    {
        // A secret of the settings (here the client secret) typed into the database name: PostgreSQL's answer quotes the
        // name, so the error text holds the secret. No pattern knows it, nor the database check; the settings do.
        const string planted = "Zq-Planted-Client-Secret-77";
        var options = _options with
        {
            DbProvider = DbProvider.PostgreSql,
            DbServer = DatabaseServers.Host,
            DbPort = DatabaseServers.PostgreSqlPort,
            DbUser = DatabaseServers.User,
            DbPassword = DatabaseServers.Password,
            DbName = planted,
            ClientSecret = planted,
            DbEncryption = DbEncryption.Optional,
            RetryBaseDelay = TimeSpan.FromSeconds(1),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
        };
        var original = VmEvent("vm-known-secret");
        var vm = VmResourceId.Parse(JsonNode.Parse(original)!["subject"]!.GetValue<string>());

        var result = await ProcessOne(original, options);
        await DueRetry();
        var retried = Assert.Single(await Queues(options).PeekAsync(QueueKind.Retry, 32, null, CancellationToken.None));
        var state = await VmEventEngine.For(options).State().GetAsync(vm, CancellationToken.None);

        Assert.Equal(VmEventOutcome.RetryScheduled, result.Outcome);
        Assert.Contains("DatabaseNotFound", result.Reason);
        Assert.Contains(SecretRedactor.Mask, result.Reason);
        foreach (var text in new[] { result.Reason, retried.Reason, retried.LastError, state!.LastError, string.Join("|", state.History.Select(h => h.Reason)) })
        {
            Assert.DoesNotContain(planted, text ?? string.Empty);
        }
    }

    [Fact]
    public async Task Process_RawJsonWithAByteOrderMark_ShouldBeReadAsTheEvent()
    {
        var result = await ProcessOne("\uFEFF" + VmEvent("vm-bom"));

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
    }

    [Fact]
    public async Task Worker_OverAHostileMix_ShouldRouteEveryMessageOnceAndLeaveNothingInMain()
    {
        var queues = Queues();
        var random = new Random(20261201);
        string[] pieces = ["\\ud800", "\\udfff", "\\ud83d\\ude00", "\\u0000", "\\r\\n", "\\u2028", "\uFEFF", "\u202E", "é", "😀", "<script>", "\\\"", "\\\\", "a"];
        string Hostile() => string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
        var bodies = new List<string>();
        for (var i = 0; i < 96; i++)   // fewer jobs than Automation takes in one 30 s window: no pacing wait
        {
            var vm = VmEvent($"vm-mix-{i}");
            bodies.Add((i % 8) switch
            {
                0 => vm.Replace("\"subject\":\"", "\"subject\":\"" + Hostile(), StringComparison.Ordinal),
                1 => vm.Replace("\"id\":\"", "\"id\":\"" + Hostile(), StringComparison.Ordinal),
                2 => "\uFEFF" + vm,
                3 => Forged(vm, $"{{\"envelope\":\"VmEventOps/1\",\"attempt\":{random.Next(int.MinValue, int.MaxValue)},\"reason\":\"{Hostile()}\"}}"),
                4 => $"[{vm},{Hostile()}]",
                5 => new string('[', 70) + new string(']', 70),
                6 => Convert.ToBase64String(Encoding.UTF8.GetBytes("\uFEFF" + vm)),
                _ => vm.Replace("\"data\":{", "\"data\":{\"correlationId\":\"" + Hostile() + "\",", StringComparison.Ordinal),
            });
        }

        foreach (var body in bodies) await queues.SendAsync(QueueKind.Main, body, null, CancellationToken.None);
        var results = new List<VmEventResult>();
        var summary = await RunWorker(_options, results);
        var main = await queues.CountAsync(QueueKind.Main, CancellationToken.None);

        output.WriteLine($"{bodies.Count} hostile messages: {summary}; main left {main}; poison {await queues.CountAsync(QueueKind.Poison, CancellationToken.None)}; " +
            $"succeeded {await queues.CountAsync(QueueKind.Succeeded, CancellationToken.None)}");
        Assert.Equal("Empty", summary.StoppedBecause);
        Assert.Equal(0, summary.LeftForRedelivery);
        Assert.Equal(0, main);
        // A BOM before raw or base64 JSON, a forged header, a bad correlation id: onboarded all the same, once each.
        Assert.True(results.Count(r => r.Outcome == VmEventOutcome.Succeeded) >= 36);
        Assert.DoesNotContain(results, r => r.Reason?.Contains(ErrorIds.Unexpected, StringComparison.Ordinal) == true);
        Assert.All(results, r => Assert.True(InputText.IsClean(r.Reason ?? string.Empty) && InputText.IsClean(r.EventId ?? string.Empty)));
    }

    // A message as the Functions host hands it over: already taken off the main queue, its body decoded to text.
    private async Task<VmEventResult> ProcessHostItem(string body, VmEventOptions? options = null)
    {
        var o = options ?? _options;
        var message = EventProcessor.Detached(body, QueueKind.Main, o.QueueName);
        return await Processor(o).ProcessAsync(message, false, CancellationToken.None);
    }

    public static TheoryData<string, string> NotXmlText => new()
    {
        { "C0 control", "\u0001" },
        { "NUL", "{\"id\":\"a\0b\"}" },
        { "U+FFFF", "\uFFFF" },
        { "U+FFFE", "x\uFFFEy" },
        { "lone high surrogate", "{\"subject\":\"\uD800\"}" },
        { "lone low surrogate at the end", "event\uDC00" },
        { "UTF-16 text read as UTF-8", Encoding.UTF8.GetString(Encoding.Unicode.GetBytes("{\"id\":\"1\"}")) },
        { "random bytes as Latin-1", Encoding.Latin1.GetString(Enumerable.Range(0, 256).Select(i => (byte)((i * 37) % 256)).ToArray()) },
    };

    [Theory]
    [MemberData(nameof(NotXmlText))]
    public async Task Process_AHostItemHoldingWhatXmlCannotCarry_ShouldDeadLetterItOnceWithTheOriginalExactly(string what, string body)
    {
        var result = await ProcessHostItem(body);

        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome);
        var poisoned = Assert.Single(await Queues().PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));
        Assert.True(body == poisoned.Body, $"{what}: the original did not come back exactly");
        Assert.False(string.IsNullOrEmpty(poisoned.Reason));
        Assert.Equal(0, await Queues().CountAsync(QueueKind.Succeeded, CancellationToken.None));
    }

    [Fact]
    public async Task Process_AValidHostEventHoldingUFFFF_ShouldOnboardAndKeepTheOriginalInSucceeded()
    {
        var body = VmEvent("vm-ffff").Replace("\"data\":{", "\"data\":{\"note\":\"x\uFFFFy\",", StringComparison.Ordinal);

        var result = await ProcessHostItem(body);

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        var succeeded = Assert.Single(await Queues().PeekAsync(QueueKind.Succeeded, 32, null, CancellationToken.None));
        Assert.Equal(body, succeeded.Body);
        Assert.Equal(0, await Queues().CountAsync(QueueKind.Poison, CancellationToken.None));
    }

    [Fact]
    public async Task Worker_ABatchWhoseItemsHoldRawUFFFFUnderTextEncoding_ShouldRequeueEachOnceAndOnboardThem()
    {
        var options = _options with { MessageEncoding = QueueMessageFormat.Text, MessageLease = TimeSpan.FromSeconds(2) };
        var items = Enumerable.Range(1, 2).Select(i => "vm-text-" + i).Select(n => VmEvent(n).Replace("\"data\":{", "\"data\":{\"note\":\"x\uFFFFy\",", StringComparison.Ordinal)).ToArray();
        var queues = Queues(options);
        await queues.SendAsync(QueueKind.Main, Convert.ToBase64String(Encoding.UTF8.GetBytes("[" + string.Join(",", items) + "]")), null, CancellationToken.None);

        var results = new List<VmEventResult>();
        var summary = await RunWorker(options, results);

        Assert.Equal("Empty", summary.StoppedBecause);
        Assert.Equal(0, summary.LeftForRedelivery);
        Assert.Equal("Ignored Succeeded Succeeded", string.Join(" ", results.Select(r => r.Outcome.ToString()).Order()));
        Assert.Equal(0, await queues.CountAsync(QueueKind.Main, CancellationToken.None));
        Assert.Equal(0, await queues.CountAsync(QueueKind.Poison, CancellationToken.None));
    }

    [Fact]
    public async Task Process_AMessageDeliveredMoreOftenThanMaxDequeueCount_ShouldGoToPoisonWithTheReasonUnprocessed()
    {
        var options = _options with { MaxDequeueCount = 2 };
        var queues = Queues(options);
        await queues.SendToMainAsync(VmEvent("vm-redelivered"));
        for (var i = 0; i < 2; i++)
        {
            // Delivered and not completed (its consumer stopped): back after its lease.
            _ = await queues.ReceiveAsync(QueueKind.Main, 1, TimeSpan.FromSeconds(1), null, CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(1.3));
        }

        var third = await queues.ReceiveOneAsync();
        var result = await Processor(options).ProcessAsync(third, false, CancellationToken.None);

        Assert.Equal(3, third.DequeueCount);
        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome);
        Assert.StartsWith(ReasonCodes.DequeueLimit, result.Reason);
        Assert.Equal(0, _arm.TotalCalls);
        Assert.Equal(0, await queues.CountAsync(QueueKind.Main, CancellationToken.None));
        Assert.Equal(1, await queues.CountAsync(QueueKind.Poison, CancellationToken.None));
    }

    [Fact]
    public async Task Process_WithATableEndpointHoldingAPassword_ShouldRouteTheMessageOnceAndNeverShowThePassword()
    {
        // Options made in code (the loader refuses such a string): what a request builder throws is the settings' fault.
        const string password = "Pr0beSecret";
        var options = _options with { StorageConnectionString = azurite.ConnectionString.Replace(azurite.TableUri.ToString(), $"http://u:{password}@127.0.0.1:1/devstoreaccount1", StringComparison.Ordinal) };
        var log = new RecordingHostLog();
        var message = EventProcessor.Detached(VmEvent("vm-userinfo"), QueueKind.Main, options.QueueName);

        var result = await VmEventEngine.For(options).Processor(log).ProcessAsync(message, false, CancellationToken.None);

        var poison = await Queues(options).PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None);
        Assert.Single(poison);
        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome);
        Assert.Contains(ErrorIds.InvalidSettingValue, result.Reason);
        Assert.DoesNotContain(ErrorIds.Unexpected, result.Reason);
        Assert.DoesNotContain(password, result.Reason);
        Assert.DoesNotContain(poison, p => p.Reason?.Contains(password, StringComparison.Ordinal) == true || p.History.Any(h => h.Error?.Contains(password, StringComparison.Ordinal) == true));
        Assert.DoesNotContain(password, log.AllText);
    }
}
