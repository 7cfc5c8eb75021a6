using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using VmEventOps.Emulators;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Tests.Workflow;

/// <summary>Rules end to end: Azurite queues and table, the HTTPS ARM emulator; runbooks per OS, skips, checks that come good, offboarding.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RulesWorkflowTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Sub = WorkflowTestOptions.Subscription;
    private ArmEmulator _arm = null!;
    private VmEventOptions _options = null!;

    public async Task InitializeAsync()
    {
        _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);
        _options = WorkflowTestOptions.For(azurite, _arm) with { RetryBaseDelay = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private const string ByOs = """
    [
      { "Name": "sandbox", "Match": { "Tags": ["env=sandbox*"] }, "Skip": "sandboxes are not onboarded" },
      { "Name": "linux", "Match": { "OsType": "Linux" },
        "Action": { "Runbook": "Onboard-Linux", "HybridWorkerGroup": "hw-linux", "Parameters": { "Owner": "{Tag:owner?}", "Where": "{Location}" } },
        "Offboarding": { "Runbook": "Offboard-Vm", "Parameters": { "Address": "{PrivateIpAddress}" } } },
      { "Name": "windows", "Match": { "OsType": "Windows" }, "Action": { "Runbook": "Onboard-Windows" } }
    ]
    """;

    private EventProcessor Processor(string? rules = ByOs) => VmEventEngine.For(_options with { Rules = rules }).Processor(NullHostLog.Instance);

    private QueueManager Queues() => VmEventEngine.For(_options).Queues(NullHostLog.Instance);

    private async Task<VmEventMessage> Enqueue(string json)
    {
        var queues = Queues();
        await queues.SendToMainAsync(json);
        return await queues.ReceiveOneAsync();
    }

    private Task<VmEventResult> Process(EventProcessor processor, string json) => Enqueue(json).ContinueWith(m => processor.ProcessAsync(m.Result, false, CancellationToken.None)).Unwrap();

    private static string Created(ArmVm vm) => QueueTestMessages.EventFor(vm.Id);

    private static string Deleted(ArmVm vm) => VmWriteEventFactory.CreateDelete(VmResourceId.Parse(vm.Id), null, null, DateTimeOffset.UtcNow);

    private ArmVm AddVm(string name, string os, string address, Dictionary<string, string>? tags = null)
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", name, [address]) with { OsType = os };
        foreach (var (key, value) in tags ?? []) vm.Tags[key] = value;
        _arm.Model.Vms[vm.Id] = vm;
        return vm;
    }

    private Task<OnboardingState?> State(ArmVm vm) => VmEventEngine.For(_options).State().GetAsync(VmResourceId.Parse(vm.Id), CancellationToken.None);

    [Fact]
    public async Task Process_LinuxAndWindowsVms_ShouldStartEachTheRunbookOfItsRule_WithTheRulesParametersFromTheVmsFacts()
    {
        var linux = AddVm("vm-linux", "Linux", "10.0.0.10", new() { ["owner"] = "team-á" });
        var windows = AddVm("vm-win", "Windows", "10.0.0.11");

        var onLinux = await Process(Processor(), Created(linux));
        var onWindows = await Process(Processor(), Created(windows));

        Assert.Equal((VmEventOutcome.Succeeded, "linux"), (onLinux.Outcome, onLinux.Rule));
        Assert.Equal((VmEventOutcome.Succeeded, "windows"), (onWindows.Outcome, onWindows.Rule));
        var linuxJob = _arm.Model.Jobs.Values.Single(j => j.Runbook == "Onboard-Linux");
        Assert.Equal(("team-á", "westeurope", "hw-linux"), (JsonSerializer.Deserialize<string>(linuxJob.Parameters["Owner"]), JsonSerializer.Deserialize<string>(linuxJob.Parameters["Where"]), linuxJob.RunOn));
        Assert.Equal(RunbookJobNames.ForVm(linux.VmId, "Onboard-Linux"), onLinux.JobId);
        Assert.Single(_arm.Model.Jobs.Values, j => j.Runbook == "Onboard-Windows");
        Assert.Equal("linux", (await State(linux))!.Rule);
    }

    [Fact]
    public async Task Process_WhenARunbookParameterNamesATagTheVmLacks_ShouldGoToPoisonWithItsId_AndStartNothing()
    {
        var vm = AddVm("vm-untagged", "Linux", "10.0.0.15");
        const string rules = """[{ "Name": "owned", "Action": { "Runbook": "Onboard-Linux", "Parameters": { "Owner": "{Tag:owner}" } } }]""";

        var result = await Process(Processor(rules), Created(vm));

        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome);
        Assert.StartsWith($"Runbook: {ErrorIds.RuleTemplateValueInvalid}: ", result.Reason);
        Assert.Equal(0, _arm.Calls("job-put"));
    }

    [Fact]
    public async Task Process_AVmWithTheMostTagsArmAllows_ShouldKeepItsFactsWithinATablePropertysSize()
    {
        // ARM: 50 tags, keys of 512 characters and values of 256: 38,400 characters, past a Table property's 32,768.
        var tags = Enumerable.Range(0, 50).ToDictionary(i => $"k{i:00}".PadRight(512, 'k'), i => new string('v', 256));
        var vm = AddVm("vm-tagged-full", "Linux", "10.0.0.17", tags);

        var result = await Process(Processor(), Created(vm));

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        var kept = (await State(vm))!.Vm!.Tags;
        Assert.InRange(kept.Sum(t => t.Key.Length + t.Value.Length), 1, OnboardingStateStore.MaxStoredTagChars);
        Assert.All(kept.Where(t => t.Key.Length == 512), t => Assert.Equal(tags[t.Key], t.Value));
    }

    [Fact]
    public async Task Process_ASkippedVm_ShouldBeIgnoredWithTheRuleAndItsReason_AndStartNothing()
    {
        var sandbox = AddVm("vm-sandbox", "Linux", "10.0.0.12", new() { ["env"] = "sandbox-7" });
        var tagged = AddVm("vm-tagged", "Windows", "10.0.0.13", new() { ["VmEventOps:Skip"] = "TRUE" });

        var byRule = await Process(Processor(), Created(sandbox));
        var byTag = await Process(VmEventEngine.For(_options with { SkipTag = "vmeventops:skip=true" }).Processor(NullHostLog.Instance), Created(tagged));

        Assert.Equal((VmEventOutcome.Ignored, "Skipped:sandbox: sandboxes are not onboarded"), (byRule.Outcome, byRule.Reason));
        Assert.Equal((VmEventOutcome.Ignored, "Skipped:SkipTagged: the VM is tagged vmeventops:skip=true"), (byTag.Outcome, byTag.Reason));
        Assert.Equal(0, _arm.Calls("job-put"));
        Assert.Null(await State(sandbox));
    }

    [Fact]
    public async Task Process_WithNoRulesAndNoSkipTag_ShouldOnboardATaggedVmAsBeforeRules()
    {
        var tagged = AddVm("vm-tagged-old", "Windows", "10.0.0.16", new() { ["vmeventops:skip"] = "true" });

        var result = await Process(Processor(rules: null), Created(tagged));

        Assert.Equal((VmEventOutcome.Succeeded, "Default"), (result.Outcome, result.Rule));
    }

    [Fact]
    public async Task Process_WhenRulesAreConfiguredButNoneMatches_ShouldBeIgnored_NoRuleMatched()
    {
        var vm = AddVm("vm-bsd", "Linux", "10.0.0.14");

        var result = await Process(Processor("""[{ "Name": "windows", "Match": { "OsType": "Windows" } }]"""), Created(vm));

        Assert.Equal((VmEventOutcome.Ignored, ReasonCodes.NoRuleMatched), (result.Outcome, result.Reason));
        // The claim the attempt inserted first is taken back: no record says an onboarding is under way.
        Assert.Null(await State(vm));
    }

    [Fact]
    public async Task Process_ATcpCheckThatFailsUntilTheListenerComesUp_ShouldRetry_ThenSucceed_WithEachCheckInTheResultAndTheHistory()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var rules = $$"""[{ "Name": "ssh", "Checks": [{ "Kind": "Tags", "Required": ["env"] }, { "Kind": "TcpPort", "Port": {{port}}, "TimeoutSeconds": 2 }] }]""";
        var vm = AddVm("vm-late", "Linux", "127.0.0.1");

        var first = await Process(Processor(rules), Created(vm));
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var second = await Process(Processor(rules), Created(vm));

        Assert.Equal(VmEventOutcome.RetryScheduled, first.Outcome);
        Assert.Equal([("TagsCheck", CheckStatus.Passed), ("TcpPortCheck", CheckStatus.Failed)], first.Checks.Select(c => (c.Name, c.Status)));
        Assert.Contains(ErrorIds.CheckFailed, first.Checks[1].Reason);
        Assert.Contains("TcpPortCheck", first.Stages.Keys);
        Assert.Equal((VmEventOutcome.Succeeded, 2), (second.Outcome, second.Attempt));
        Assert.All(second.Checks, c => Assert.Equal(CheckStatus.Passed, c.Status));
        var history = (await State(vm))!.History;
        Assert.Equal(CheckStatus.Failed, history[0].Checks![1].Status);
        Assert.Equal(CheckStatus.Passed, history[^1].Checks![1].Status);
        var trail = await VmEventEngine.For(_options).Trail(SecretRedactor.ForOptions(_options), NullHostLog.Instance).GetAsync(VmResourceId.Parse(vm.Id), CancellationToken.None);
        Assert.Contains(trail, e => e.Source == "State" && e.Checks.Any(c => c is { Name: "TcpPortCheck", Status: CheckStatus.Failed }));
    }

    [Fact]
    public async Task Process_ADeletedVm_ShouldRunTheOffboardingRunbookOnceWithTheLastKnownFacts_AndRecordItOffboarded()
    {
        var vm = AddVm("vm-bye", "Linux", "10.0.0.20");
        await Process(Processor(), Created(vm));
        _arm.Model.Vms.TryRemove(vm.Id, out _);

        var results = new List<VmEventResult>();
        for (var i = 0; i < 3; i++) results.Add(await Process(Processor(), Deleted(vm)));

        Assert.Equal((VmEventOutcome.Offboarded, "linux"), (results[0].Outcome, results[0].Rule));
        Assert.Equal("10.0.0.20", results[0].PrivateIpAddress);
        Assert.All(results.Skip(1), r => Assert.Equal((VmEventOutcome.Ignored, ReasonCodes.AlreadyOffboarded), (r.Outcome, r.Reason)));
        var offboarding = Assert.Single(_arm.Model.Jobs.Values, j => j.Runbook == "Offboard-Vm");
        Assert.Equal(("\"10.0.0.20\"", "\"vm-bye\""), (offboarding.Parameters["Address"], offboarding.Parameters["VmName"]));
        Assert.Equal(vm.VmId.ToString("D"), JsonSerializer.Deserialize<string>(offboarding.Parameters["VmId"]));
        Assert.InRange(DateTimeOffset.Parse(JsonSerializer.Deserialize<string>(offboarding.Parameters["EventTime"])!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
        var onboarding = Assert.Single(_arm.Model.Jobs.Values, j => j.Runbook == "Onboard-Linux");
        Assert.Equal(vm.VmId.ToString("D"), JsonSerializer.Deserialize<string>(onboarding.Parameters["VmId"]));
        Assert.True(onboarding.Parameters.ContainsKey("EventTime"));
        Assert.Equal(RunbookJobNames.ForVm(vm.VmId, "offboard/Offboard-Vm"), results[0].JobId);
        var state = (await State(vm))!;
        Assert.Equal((OnboardingStatus.Offboarded, vm.VmId), (state.State, state.VmId));
        var succeeded = await Queues().PeekAsync(QueueKind.Succeeded, 32, null, CancellationToken.None);
        Assert.Contains(succeeded, m => m.Reason == "Offboarded");
    }

    [Fact]
    public async Task Process_ConcurrentDuplicateDeletes_ShouldStartOneOffboardingJob()
    {
        var vm = AddVm("vm-dup", "Linux", "10.0.0.21");
        await Process(Processor(), Created(vm));
        _arm.Model.Vms.TryRemove(vm.Id, out _);
        var queues = Queues();
        for (var i = 0; i < 4; i++) await queues.SendToMainAsync(Deleted(vm));
        var messages = await queues.ReceiveAsync(QueueKind.Main, 4, TimeSpan.FromMinutes(1), null, CancellationToken.None);
        var putsBefore = _arm.Calls("job-put");

        var results = await Task.WhenAll(messages.Select(m => Processor().ProcessAsync(m, false, CancellationToken.None)));

        Assert.Equal(4, messages.Count);
        Assert.Single(results, r => r.Outcome == VmEventOutcome.Offboarded);
        // One job started, not one job found by three more starts of the same id: the losers of the claim stop.
        Assert.Equal(1, _arm.Calls("job-put") - putsBefore);
        Assert.Single(_arm.Model.Jobs.Values, j => j.Runbook == "Offboard-Vm");
        Assert.Equal(OnboardingStatus.Offboarded, (await State(vm))!.State);
    }

    [Fact]
    public async Task Process_ADeleteBeforeItsCreateWasProcessed_ShouldOffboardNothing_AndTheCreateThenFindsTheVmGone()
    {
        var vm = AddVm("vm-brief", "Linux", "10.0.0.22");
        var queues = Queues();
        await queues.SendToMainAsync(Created(vm));
        var createMessage = await queues.ReceiveOneAsync();
        _arm.Model.Vms.TryRemove(vm.Id, out _);

        var delete = await Process(Processor(), Deleted(vm));
        var create = await Processor().ProcessAsync(createMessage, false, CancellationToken.None);

        Assert.Equal((VmEventOutcome.Ignored, ReasonCodes.NotOnboarded), (delete.Outcome, delete.Reason));
        Assert.Equal((VmEventOutcome.Ignored, ErrorIds.VmNotFound), (create.Outcome, create.Reason));
        Assert.Empty(_arm.Model.Jobs);
    }

    [Fact]
    public async Task Process_AForgedDeleteOfAVmThatStillExists_ShouldOffboardNothing()
    {
        var vm = AddVm("vm-alive", "Linux", "10.0.0.23");
        await Process(Processor(), Created(vm));

        var result = await Process(Processor(), Deleted(vm));

        Assert.Equal((VmEventOutcome.Ignored, ReasonCodes.VmStillExists), (result.Outcome, result.Reason));
        Assert.Equal(OnboardingStatus.Succeeded, (await State(vm))!.State);
    }

    [Fact]
    public async Task Process_AVmCreatedAgainUnderTheSameNameAfterItsOffboarding_ShouldBeOnboardedAgain()
    {
        var first = AddVm("vm-again", "Linux", "10.0.0.24");
        await Process(Processor(), Created(first));
        _arm.Model.Vms.TryRemove(first.Id, out _);
        await Process(Processor(), Deleted(first));
        var second = AddVm("vm-again", "Linux", "10.0.0.25");

        var result = await Process(Processor(), Created(second));

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        Assert.Equal(2, _arm.Model.Jobs.Values.Count(j => j.Runbook == "Onboard-Linux"));
        var state = (await State(second))!;
        Assert.Equal((OnboardingStatus.Succeeded, second.VmId, "10.0.0.25"), (state.State, state.VmId, state.Vm!.PrivateIpAddress));
    }

    [Fact]
    public async Task Process_AWriteEventOfAnOffboardedVmThatArmStillReturns_ShouldBeIgnored_AlreadyOffboarded()
    {
        // ARM lists a deleted VM for a while (and anyone who can write to the queue can send a write event for it).
        var vm = AddVm("vm-lingering", "Linux", "10.0.0.28");
        await Process(Processor(), Created(vm));
        _arm.Model.Vms.TryRemove(vm.Id, out var gone);
        await Process(Processor(), Deleted(vm));
        _arm.Model.Vms[vm.Id] = gone!;

        var result = await Process(Processor(), Created(vm));

        Assert.Equal((VmEventOutcome.Ignored, ReasonCodes.AlreadyOffboarded), (result.Outcome, result.Reason));
        Assert.Single(_arm.Model.Jobs.Values, j => j.Runbook == "Onboard-Linux");
        Assert.Equal(OnboardingStatus.Offboarded, (await State(vm))!.State);
    }

    [Fact]
    public async Task Process_WithNoRulesConfigured_ShouldIgnoreADeleteOfAnOnboardedVm_AsBeforeRules_WithoutReadingState()
    {
        var vm = AddVm("vm-legacy", "Linux", "10.0.0.26");
        await Process(Processor(rules: null), Created(vm));
        _arm.Model.Vms.TryRemove(vm.Id, out _);

        var result = await Process(Processor(rules: null), Deleted(vm));

        Assert.Equal((VmEventOutcome.Ignored, RejectReasons.NotVmWrite), (result.Outcome, result.Reason));
        Assert.DoesNotContain("State", result.Stages.Keys);
        Assert.Equal(1, _arm.Calls("job-put"));
        // The RunbookName setting's runbook gets the parameters it always got: a job passing one it does not declare fails.
        Assert.Equal(["CorrelationId", "PrivateIpAddress", "VmName", "VmResourceId"], Assert.Single(_arm.Model.Jobs.Values).Parameters.Keys.Where(k => k != "TraceId").Order());
    }

    [Fact]
    public async Task Process_WithARuleThatIsNotValid_ShouldDeferEveryEventToTheRetryQueue_NoAttemptUsed_NeverPoison()
    {
        var vm = AddVm("vm-waits", "Linux", "10.0.0.29");
        var processor = Processor("""[{ "Name": "x", "Checks": [{ "Kind": "Ping" }] }]""");
        var callsBefore = _arm.TotalCalls;

        var first = await Process(processor, Created(vm));

        Assert.Equal(ErrorIds.RuleCheckInvalid, processor.RulesFailure!.ErrorId);
        Assert.Equal((VmEventOutcome.RetryScheduled, 0), (first.Outcome, first.Attempt));
        Assert.StartsWith($"Rules: {ErrorIds.RuleCheckInvalid}: ", first.Reason);
        Assert.NotNull(first.NextAttemptOn);
        Assert.Equal((1, 0), (await Queues().CountAsync(QueueKind.Retry, CancellationToken.None), await Queues().CountAsync(QueueKind.Poison, CancellationToken.None)));
        Assert.Null(await State(vm));
        Assert.Equal(0, _arm.TotalCalls - callsBefore);
    }

    [Fact]
    public async Task Process_SecretsPlantedInCheckSettings_ShouldBeAbsentFromTheResultTheRecordTheTrailAndTheQueues()
    {
        const string planted = "Planted-S3cret-7f";
        // The password of a database check, and the same text in an Http check's URL and header: the Http check passes
        // (its summary quotes the URL, which must come out masked), so the Database check runs: a real PostgreSQL
        // refuses the login with the planted password.
        await using var web = new TinyHttpServer();
        var rules = $$"""
        [{ "Name": "secretive", "Checks": [
            { "Kind": "Http", "Url": "http://127.0.0.1:{{web.Port}}/{{planted}}", "Headers": { "Authorization": "Bearer {{planted}}-token" } },
            { "Kind": "Database", "Provider": "PostgreSql", "Server": "127.0.0.1", "User": "nobody", "Password": "{{planted}}", "Encryption": "Optional" }
          ] }]
        """;
        var vm = AddVm("vm-secret", "Linux", "10.0.0.27");

        var result = await Process(VmEventEngine.For(_options with { Rules = rules }).Processor(NullHostLog.Instance), Created(vm));

        Assert.Equal(VmEventOutcome.RetryScheduled, result.Outcome);
        Assert.Contains($"Authorization: Bearer {planted}-token", Assert.Single(web.Requests));
        Assert.Equal([("HttpCheck", CheckStatus.Passed), ("DatabaseCheck", CheckStatus.Failed)], result.Checks.Select(c => (c.Name, c.Status)));
        Assert.Contains(ErrorIds.DbCheckFailed, result.Checks[1].Reason);
        Assert.DoesNotContain(planted, JsonSerializer.Serialize(result));
        Assert.Contains("***", result.Checks[0].Reason);
        Assert.DoesNotContain(planted, JsonSerializer.Serialize(await State(vm)));
        var trail = await VmEventEngine.For(_options with { Rules = rules }).Trail(SecretRedactor.ForOptions(_options with { Rules = rules }), NullHostLog.Instance)
            .GetAsync(VmResourceId.Parse(vm.Id), CancellationToken.None);
        Assert.DoesNotContain(planted, JsonSerializer.Serialize(trail));
        var retried = await Queues().PeekAsync(QueueKind.Retry, 32, null, CancellationToken.None);
        Assert.DoesNotContain(planted, string.Join("\n", retried.Select(m => m.Body + m.Reason + m.LastError)));
    }
}
