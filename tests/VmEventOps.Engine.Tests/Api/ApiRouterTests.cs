using System.Text.Json;
using VmEventOps.Engine.Api;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Api;

/// <summary>The HTTP API's routing, validation and shapes, over a backend of data (no I/O).</summary>
public sealed class ApiRouterTests
{
    private const string Vm = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 30, 0, TimeSpan.Zero);
    private readonly FakeApiBackend _backend = new();
    private readonly RecordingHostLog _log = new();

    private ApiRouter Router(ApiSettings? settings = null) => new(_backend, settings ?? new ApiSettings(), _log, new FixedTime(Now));

    private async Task<(int Status, JsonElement Body)> Call(string method, string action, Dictionary<string, string>? query = null, string? body = null, ApiCaller? caller = null, ApiSettings? settings = null)
    {
        var response = await Router(settings).HandleAsync(new ApiRequest
        {
            Method = method,
            Action = action,
            Query = query ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
            Body = body,
            Caller = caller ?? ApiCaller.FunctionKey,
        }, CancellationToken.None);
        return (response.Status, JsonDocument.Parse(response.Body).RootElement.Clone());
    }

    private static OnboardingState Record(string name, OnboardingStatus state, DateTimeOffset updated, string? error = null, params OnboardingAttempt[] history) => new()
    {
        VmResourceId = Vm.Replace("vm-01", name, StringComparison.Ordinal),
        State = state,
        Attempts = history.Length,
        LastError = error,
        UpdatedOn = updated,
        History = history,
    };

    [Theory]
    [InlineData("")]
    [InlineData("status")]
    [InlineData("/STATUS/")]
    public async Task Handle_Status_ShouldListTheFourQueuesAndBeUnhealthyWhenOneIs(string action)
    {
        var (status, body) = await Call("GET", action);

        Assert.Equal(200, status);
        Assert.False(body.GetProperty("healthy").GetBoolean());
        Assert.Equal(["Main", "Retry", "Succeeded", "Poison"], body.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("queue").GetString()));
        Assert.Equal(90, body.GetProperty("queues")[0].GetProperty("oldestMessageAgeSeconds").GetInt32());
        Assert.Equal(0, body.GetProperty("queues")[3].GetProperty("threshold").GetInt32());
    }

    [Fact]
    public async Task Handle_Health_ShouldCountRecordsByStateAndOutcomesPerHour()
    {
        _backend.Records.Add(Record("vm-a", OnboardingStatus.Succeeded, Now, null,
            new OnboardingAttempt(Now.AddHours(-2), 1, "RetryScheduled", "db down"), new OnboardingAttempt(Now.AddMinutes(-10), 2, "Succeeded", null)));
        _backend.Records.Add(Record("vm-b", OnboardingStatus.DeadLettered, Now, "gone", new OnboardingAttempt(Now.AddMinutes(-5), 1, "DeadLettered", "gone")));

        var (status, body) = await Call("GET", "health", new() { ["hours"] = "3" });

        Assert.Equal(200, status);
        Assert.Equal(1, body.GetProperty("states").GetProperty("Succeeded").GetInt32());
        Assert.Equal(1, body.GetProperty("states").GetProperty("DeadLettered").GetInt32());
        var outcomes = body.GetProperty("outcomes");
        Assert.Equal(["2026-12-01T10:00:00.000Z", "2026-12-01T11:00:00.000Z", "2026-12-01T12:00:00.000Z"], outcomes.GetProperty("hours").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal([1, 0, 0], outcomes.GetProperty("series").GetProperty("RetryScheduled").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal([0, 0, 1], outcomes.GetProperty("series").GetProperty("Succeeded").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal([0, 0, 1], outcomes.GetProperty("series").GetProperty("DeadLettered").EnumerateArray().Select(v => v.GetInt32()));
    }

    [Fact]
    public async Task Handle_RecordsWithFilterAndPage_ShouldAnswerThatPageOfTheMatchesNewestFirst()
    {
        for (var i = 0; i < 120; i++) _backend.Records.Add(Record($"vm-{i:000}", i % 2 == 0 ? OnboardingStatus.Succeeded : OnboardingStatus.Failed, Now.AddMinutes(-i), i % 2 == 0 ? null : $"timeout {i}"));

        var (status, body) = await Call("GET", "records", new() { ["state"] = "failed", ["text"] = "TIMEOUT", ["page"] = "2", ["pageSize"] = "25" });

        Assert.Equal(200, status);
        Assert.Equal(60, body.GetProperty("total").GetInt32());
        var items = body.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(25, items.Length);
        Assert.Equal("vm-051", items[0].GetProperty("vmName").GetString());
        Assert.All(items, item => Assert.Equal("Failed", item.GetProperty("state").GetString()));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("2147483647")]
    public async Task Handle_RecordsWithAPagePastTheEnd_ShouldAnswerTheLastPageAndSaySo(string page)
    {
        for (var i = 0; i < 60; i++) _backend.Records.Add(Record($"vm-{i:000}", OnboardingStatus.Succeeded, Now.AddMinutes(-i)));

        var (status, body) = await Call("GET", "records", new() { ["page"] = page, ["pageSize"] = "25" });

        Assert.Equal(200, status);
        Assert.Equal(3, body.GetProperty("page").GetInt32());
        var items = body.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(10, items.Length);
        Assert.Equal("vm-050", items[0].GetProperty("vmName").GetString());
    }

    [Fact]
    public async Task Handle_RecordsWithScope_ShouldKeepTheVmsUnderThatPrefixInAnyCase()
    {
        _backend.Records.Add(Record("vm-in", OnboardingStatus.Succeeded, Now));
        _backend.Records.Add(Record("vm-out", OnboardingStatus.Succeeded, Now) with { VmResourceId = Vm.Replace("rg-app", "rg-app2", StringComparison.Ordinal) });

        var (_, body) = await Call("GET", "records", new() { ["scope"] = "/SUBSCRIPTIONS/11111111-2222-3333-4444-555555555555/resourcegroups/RG-APP/" });

        Assert.Equal("vm-in", Assert.Single(body.GetProperty("items").EnumerateArray()).GetProperty("vmName").GetString());
    }

    [Theory]
    [InlineData("state", "Gone")]
    [InlineData("state", "3")]
    [InlineData("page", "0")]
    [InlineData("pageSize", "501")]
    [InlineData("pageSize", "ten")]
    public async Task Handle_RecordsWithABadQueryValue_ShouldAnswer400VmApiInvalidQuery(string name, string value)
    {
        var (status, body) = await Call("GET", "records", new() { [name] = value });

        Assert.Equal(400, status);
        Assert.Equal(ErrorIds.ApiInvalidQuery, body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Handle_Trail_ShouldAnswerTheEntriesTheRecordAndTheTraceLinkFromTheTemplate()
    {
        _backend.Records.Add(Record("vm-01", OnboardingStatus.Succeeded, Now) with { TraceId = "0af7651916cd43dd8448eb211c80319c" });

        var (status, body) = await Call("GET", "trail", new() { ["vmResourceId"] = Vm.ToUpperInvariant() }, settings: new ApiSettings { TraceLinkTemplate = "https://portal.example/trace/{traceId}" });

        Assert.Equal(200, status);
        Assert.Equal("Succeeded", body.GetProperty("record").GetProperty("state").GetString());
        Assert.Equal("https://portal.example/trace/0af7651916cd43dd8448eb211c80319c", body.GetProperty("traceLink").GetString());
        Assert.Equal("FirstSeen", Assert.Single(body.GetProperty("entries").EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Handle_TrailOfAVmWithAJob_ShouldCarryTheJobsStatusAndOutput()
    {
        var jobId = Guid.NewGuid();
        _backend.Records.Add(Record("vm-01", OnboardingStatus.Succeeded, Now) with { JobId = jobId });

        var (_, body) = await Call("GET", "trail", new() { ["vmResourceId"] = Vm });

        var job = body.GetProperty("job");
        Assert.Equal((jobId.ToString(), "Completed"), (job.GetProperty("jobId").GetString(), job.GetProperty("status").GetString()));
        Assert.Equal(["Onboarding vm-01", "<b>done</b>"], job.GetProperty("output").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task Handle_TrailWhenTheJobCannotBeRead_ShouldStillAnswerAndSayWhy()
    {
        _backend.Records.Add(Record("vm-01", OnboardingStatus.Succeeded, Now) with { JobId = Guid.NewGuid() });
        _backend.JobFailure = new VmEventOpsException(ErrorIds.ArmRequestFailed, VmErrorCategory.ConnectionError, "ARM did not answer");

        var (status, body) = await Call("GET", "trail", new() { ["vmResourceId"] = Vm });

        Assert.Equal(200, status);
        Assert.StartsWith(ErrorIds.ArmRequestFailed, body.GetProperty("job").GetProperty("error").GetString());
        Assert.Single(body.GetProperty("entries").EnumerateArray());
    }

    [Theory]
    [InlineData(null, "VmApiMissingVmResourceId")]
    [InlineData("not-a-vm", "VmInvalidResourceId")]
    public async Task Handle_TrailWithoutAVm_ShouldAnswer400WithItsErrorId(string? vm, string code)
    {
        var query = new Dictionary<string, string>();
        if (vm is not null) query["vmResourceId"] = vm;

        var (status, body) = await Call("GET", "trail", query);

        Assert.Equal(400, status);
        Assert.Equal(code, body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Handle_OnboardWithBodyOrQuery_ShouldRunTheVmWithForceAsGiven()
    {
        var (status, body) = await Call("POST", "onboard", body: $$"""{"VmResourceId": "{{Vm}}", "force": true}""");
        var (queryStatus, _) = await Call("POST", "onboard", new() { ["vmResourceId"] = Vm, ["force"] = "false" });

        Assert.Equal((200, 200), (status, queryStatus));
        Assert.Equal("Succeeded", body.GetProperty("outcome").GetString());
        Assert.Equal([("onboard", (object)Vm, true), ("onboard", Vm, false)], _backend.Calls);
    }

    [Theory]
    [InlineData("[1, 2]", "VmApiInvalidBody")]
    [InlineData("not json", "VmApiInvalidBody")]
    [InlineData("{\"vmResourceId\": 5}", "VmApiInvalidBody")]
    [InlineData("{\"force\": true}", "VmApiMissingVmResourceId")]
    [InlineData("{\"vmResourceId\": \"/subscriptions/x\"}", "VmInvalidResourceId")]
    [InlineData("{\"vmResourceId\": \"" + Vm + "\", \"force\": \"yes\"}", "VmApiInvalidForce")]
    public async Task Handle_OnboardWithBadInput_ShouldAnswer400AndRunNothing(string json, string code)
    {
        var (status, body) = await Call("POST", "onboard", body: json);

        Assert.Equal(400, status);
        Assert.Equal(code, body.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_backend.Calls);
    }

    [Fact]
    public async Task Handle_RequeueOfSelectedIds_ShouldPassThemOnceEachWithForce()
    {
        var (status, body) = await Call("POST", "requeue", body: """{"messageIds": ["a", "b", "a"], "force": true}""");

        Assert.Equal(200, status);
        Assert.True(body.GetProperty("force").GetBoolean());
        var (kind, ids, force) = Assert.Single(_backend.Calls);
        Assert.Equal(("requeue", true), (kind, force));
        Assert.Equal(["a", "b"], (IReadOnlyList<string>)ids);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"messageIds\": []}")]
    [InlineData("{\"messageIds\": [1]}")]
    [InlineData("{\"messageIds\": \"a\"}")]
    public async Task Handle_RequeueWithoutMessageIds_ShouldAnswer400VmApiInvalidBody(string json)
    {
        var (status, body) = await Call("POST", "requeue", body: json);

        Assert.Equal(400, status);
        Assert.Equal(ErrorIds.ApiInvalidBody, body.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("onboard")]
    [InlineData("requeue")]
    public async Task Handle_AnActionByACallerWhoMayOnlyRead_ShouldAnswer403AndDoNothing(string action)
    {
        var (status, body) = await Call("POST", action, body: $$"""{"vmResourceId": "{{Vm}}", "messageIds": ["a"]}""", caller: ApiCaller.ReadOnly("someone", "no role"));

        Assert.Equal(403, status);
        Assert.Equal(ErrorIds.ApiForbidden, body.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_backend.Calls);
    }

    [Theory]
    [InlineData("GET", "onboard")]
    [InlineData("GET", "requeue")]
    [InlineData("POST", "status")]
    [InlineData("POST", "records")]
    public async Task Handle_TheWrongMethod_ShouldAnswer405(string method, string action)
    {
        var (status, body) = await Call(method, action);

        Assert.Equal(405, status);
        Assert.Equal(ErrorIds.ApiMethodNotAllowed, body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Handle_AnUnknownAction_ShouldAnswer404ListingTheActions()
    {
        var (status, body) = await Call("GET", "reboot");

        Assert.Equal(404, status);
        Assert.Equal(ErrorIds.ApiUnknownAction, body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("requeue", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Handle_AFailureOfOurs_ShouldAnswer500WithTheIdAndACorrelationIdOnlyAndLogIt()
    {
        _backend.Failure = new VmEventOpsException(ErrorIds.StorageRequestFailed, VmErrorCategory.ConnectionError, "Reading queue at http://127.0.0.1:9/devstoreaccount1 failed");

        var response = await Router().HandleAsync(new ApiRequest { Method = "GET", Action = "status", Caller = ApiCaller.FunctionKey }, CancellationToken.None);

        Assert.Equal(500, response.Status);
        var error = JsonDocument.Parse(response.Body).RootElement.GetProperty("error");
        Assert.Equal(ErrorIds.StorageRequestFailed, error.GetProperty("code").GetString());
        Assert.DoesNotContain("127.0.0.1", response.Body);
        Assert.Equal(response.CorrelationId, error.GetProperty("correlationId").GetString());
        Assert.Same(_backend.Failure, response.Failure);
        Assert.Contains(_log.Warnings, w => w.Contains(response.CorrelationId!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handle_ValuesFromAnEvent_ShouldBeJsonEscapedWithHtmlCharactersEscapedToo()
    {
        _backend.Records.Add(Record("vm-01", OnboardingStatus.Failed, Now, "<script>alert(1)</script><img src=x onerror=alert(2)>"));

        var response = await Router().HandleAsync(new ApiRequest { Method = "GET", Action = "records", Caller = ApiCaller.FunctionKey }, CancellationToken.None);

        Assert.DoesNotContain("<script>", response.Body);
        Assert.DoesNotContain("<img", response.Body);
        Assert.Equal("<script>alert(1)</script><img src=x onerror=alert(2)>", JsonDocument.Parse(response.Body).RootElement.GetProperty("items")[0].GetProperty("lastError").GetString());
    }

    private void AddCompliance()
    {
        _backend.Compliance.Add(new VmComplianceRecord { VmResourceId = Vm, VmName = "vm-01", Status = ComplianceStatus.Onboarded, Reason = "Onboarded", Scope = "/subscriptions/s/resourceGroups/rg-app", Age = TimeSpan.FromMinutes(5) });
        _backend.Compliance.Add(new VmComplianceRecord { VmResourceId = Vm.Replace("vm-01", "vm-02", StringComparison.Ordinal), VmName = "vm-02", Status = ComplianceStatus.Missing, Reason = "No event seen", Scope = "/subscriptions/s/resourceGroups/rg-app" });
    }

    [Fact]
    public async Task Handle_ComplianceWithAStatusFilter_ShouldListTheVmsInThoseStatuses()
    {
        AddCompliance();

        var (status, body) = await Call("GET", "compliance", new() { ["status"] = "missing, DeadLettered" });

        Assert.Equal(200, status);
        Assert.True(body.GetProperty("complete").GetBoolean());
        var vm = Assert.Single(body.GetProperty("vms").EnumerateArray());
        Assert.Equal(("vm-02", "Missing"), (vm.GetProperty("vmName").GetString(), vm.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Handle_ComplianceSummaryOfAnIncompleteListing_ShouldCountByScopeAndStatusAndSayWhatIsMissing()
    {
        AddCompliance();
        _backend.Incomplete.Add(new VmScopeListing { Scope = "/subscriptions/s/resourceGroups/rg-slow", Problem = "VmArmThrottled: retry after 1200 s" });

        var (status, body) = await Call("GET", "compliance", new() { ["summary"] = "true" });

        Assert.Equal(200, status);
        Assert.False(body.GetProperty("complete").GetBoolean());
        Assert.Contains("rg-slow", Assert.Single(body.GetProperty("problems").EnumerateArray()).GetString());
        Assert.Equal(2, body.GetProperty("summary").EnumerateArray().Sum(r => r.GetProperty("count").GetInt32()));
    }

    [Theory]
    [InlineData("status", "Lost", "VmApiInvalidStatus")]
    [InlineData("status", "1", "VmApiInvalidStatus")]
    [InlineData("summary", "yes", "VmApiInvalidSummary")]
    public async Task Handle_ComplianceWithABadQueryValue_ShouldAnswer400WithItsErrorId(string name, string value, string code)
    {
        var (status, body) = await Call("GET", "compliance", new() { [name] = value });

        Assert.Equal(400, status);
        Assert.Equal(code, body.GetProperty("error").GetProperty("code").GetString());
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
