using System.Text;
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

/// <summary>The workflow under hostile input and a flaky ARM, with figures written to the test output.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReliabilityTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";
    private ArmEmulator _arm = null!;
    private VmEventOptions _options = null!;

    public async Task InitializeAsync()
    {
        _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);
        _options = WorkflowTestOptions.For(azurite, _arm) with { RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(2) };
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private static QueueManager Queues(VmEventOptions options) => VmEventEngine.For(options).Queues(NullHostLog.Instance);

    private static async Task<(WorkerSummary Summary, List<VmEventResult> Results)> RunWorker(VmEventOptions options, bool includeRetry = false, TimeSpan? maxRunTime = null)
    {
        var results = new List<VmEventResult>();
        var worker = new QueueWorker(VmEventEngine.For(options).Processor(NullHostLog.Instance), Queues(options), NullHostLog.Instance);
        var summary = await worker.RunAsync(new WorkerSettings
        {
            Concurrency = 8, BatchSize = 32, StopWhenEmpty = maxRunTime is null, MaxRunTime = maxRunTime,
            Queues = includeRetry ? [QueueKind.Main, QueueKind.Retry] : [QueueKind.Main],
        }, r => { lock (results) results.Add(r); }, CancellationToken.None);
        return (summary, results);
    }

    [Fact]
    public async Task Worker_OverAThousandBadMessages_ShouldPoisonOrIgnoreEachWithAReasonAndNeverStop()
    {
        var queues = Queues(_options);
        var valid = VmWriteEventFactory.Create(VmResourceId.Parse($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-x"), null, null, DateTimeOffset.UtcNow);
        var bodies = Enumerable.Range(0, 1000).Select(i => (i % 5) switch
        {
            0 => "not json " + i,                                                                        // malformed
            1 => Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"half\": " + i)),                        // truncated, base64
            2 => valid.Replace("rg-app", "rg-forged" + i, StringComparison.Ordinal),                       // forged: out of scope
            3 => valid.Replace("\"data\":{", "\"data\":{\"status\":" + i + ",\"x\":{", StringComparison.Ordinal), // wrong types
            _ => "{\"pad\":\"" + new string('x', 60_000) + "\"}",                                          // oversized, not an event
        }).ToArray();
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (body, token) => await queues.SendAsync(QueueKind.Main, body, null, token));

        var (summary, results) = await RunWorker(_options);

        output.WriteLine($"1,000 bad messages: {summary.Elapsed.TotalSeconds:0.0} s, {string.Join(", ", summary.Outcomes.Select(o => $"{o.Value} {o.Key}"))}");
        Assert.Equal(1000, summary.Processed);
        Assert.All(results, r => Assert.Contains(r.Outcome, new[] { VmEventOutcome.DeadLettered, VmEventOutcome.Ignored }));
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.Reason)));
        Assert.Equal(200, summary.Outcomes[VmEventOutcome.Ignored]); // the forged ones
        Assert.Equal(800, await queues.CountAsync(QueueKind.Poison, CancellationToken.None));
        Assert.Equal(0, await queues.CountAsync(QueueKind.Main, CancellationToken.None));
        Assert.Equal(0, _arm.TotalCalls);
    }

    [Fact]
    public async Task Worker_WhenArmAnswersThirtyPercentThrottledOrUnavailable_ShouldStillOnboardEveryVmOnce()
    {
        var vms = Enumerable.Range(0, 40).Select(i => _arm.Model.AddVm(Sub, "rg-app", $"vm-flaky-{i:00}", [$"10.1.0.{i + 10}"])).ToArray();
        var queues = Queues(_options);
        foreach (var vm in vms) await queues.SendAsync(QueueKind.Main, VmWriteEventFactory.Create(VmResourceId.Parse(vm.Id), null, null, DateTimeOffset.UtcNow), null, CancellationToken.None);
        _arm.FailRandomly(0.3, [429, 503], TimeSpan.FromSeconds(1));

        var results = new List<VmEventResult>();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (_arm.Model.Jobs.Count < vms.Length && DateTime.UtcNow < deadline)
        {
            var (_, pass) = await RunWorker(_options, includeRetry: true);
            results.AddRange(pass);
            if (_arm.Model.Jobs.Count < vms.Length) await Task.Delay(TimeSpan.FromSeconds(1)); // retries wait for their backoff
        }

        _arm.FailRandomly(0, [], TimeSpan.Zero);
        output.WriteLine($"30 % 429/503: {_arm.RandomFaultsServed} faults served over {_arm.TotalCalls} ARM calls; {results.Count(r => r.Outcome == VmEventOutcome.RetryScheduled)} retries scheduled");
        Assert.Equal(vms.Length, _arm.Model.Jobs.Count);
        Assert.DoesNotContain(results, r => r.Outcome == VmEventOutcome.DeadLettered);
        Assert.True(_arm.RandomFaultsServed > 0);
        Assert.Equal(vms.Length, await queues.CountAsync(QueueKind.Succeeded, CancellationToken.None));
    }

    [Fact]
    public async Task Workflow_WithPlantedSecrets_ShouldKeepThemOutOfResultsEnvelopesAndPoison()
    {
        const string plantedPassword = "Planted-Db-Secret-4e1f";
        var options = _options with
        {
            DbProvider = DbProvider.PostgreSql,
            DbServer = "127.0.0.1",
            DbPort = DatabaseServers.PostgreSqlPort,
            DbName = DatabaseServers.Database,
            DbUser = DatabaseServers.User,
            DbPassword = plantedPassword, // wrong: the check fails at Login, every attempt
            DbEncryption = DbEncryption.Optional, // Debian's PostgreSQL has a self-signed certificate
            MaxAttempts = 2,
        };
        DatabaseServers.EnsureListening(DatabaseServers.PostgreSqlPort);
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-secret", ["127.0.0.1"]);
        var queues = Queues(options);
        await queues.SendAsync(QueueKind.Main, VmWriteEventFactory.Create(VmResourceId.Parse(vm.Id), null, null, DateTimeOffset.UtcNow), null, CancellationToken.None);

        var (_, first) = await RunWorker(options);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var (_, second) = await RunWorker(options, includeRetry: true);

        var everything = new StringBuilder();
        foreach (var r in first.Concat(second)) everything.AppendLine(r.ToString()).AppendLine(r.Reason).AppendLine(r.DbCheck);
        foreach (var kind in Enum.GetValues<QueueKind>())
        {
            foreach (var m in await queues.ReceiveAllAsync(kind, TimeSpan.FromSeconds(30), keepLeases: false, null, CancellationToken.None))
            {
                everything.AppendLine(m.Body).AppendLine(m.LastError).AppendLine(m.Reason).AppendLine(string.Join("\n", m.History.Select(h => h.Error)));
            }
        }

        var state = await VmEventEngine.For(options).State().GetAsync(VmResourceId.Parse(vm.Id), CancellationToken.None);
        everything.AppendLine(state?.LastError);
        var text = everything.ToString();
        Assert.Contains("LoginFailed", text);                  // the failure is reported ...
        Assert.DoesNotContain(plantedPassword, text);          // ... the password never
        Assert.DoesNotContain(AzuriteFixture.AccountKey, text); // nor the storage key
        Assert.DoesNotContain("eyJ", text);                    // nor any token
        Assert.Equal(OnboardingStatus.DeadLettered, state!.State);
    }
}
