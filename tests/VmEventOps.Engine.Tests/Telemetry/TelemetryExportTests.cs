using System.Globalization;
using System.Text;
using System.Text.Json;
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

namespace VmEventOps.Engine.Tests.Telemetry;

/// <summary>
/// Export by configuration, through the real OpenTelemetry SDK and exporters: a trace file, an OTLP collector over
/// HTTP/protobuf and gRPC, and Application Insights ingestion (the collector emulator), each fed by one onboarding
/// against Azurite and the ARM emulator. Export is process-wide, so these run in the Azurite collection (one at a time)
/// and stop exporting when done.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TelemetryExportTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private const string Sub = WorkflowTestOptions.Subscription;
    private const string PlantedSecret = "Planted-Client-Secret-91fe";
    private const string PlantedHeader = "Planted-Api-Key-33ab";
    private const string PlantedDbPassword = "Planted-Db-Password-4a7e";
    private const string PlantedToken = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJwbGFudGVkIn0.planted-token-signature";
    private const string InstrumentationKey = "5f1d9c1e-7c55-4b6e-9a43-0c2b1f0e8d11";
    private readonly TempDirectory _temp = new();
    private ArmEmulator _arm = null!;
    private TelemetryCollectorEmulator _collector = null!;

    public async Task InitializeAsync()
    {
        _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);
        _collector = await TelemetryCollectorEmulator.StartAsync(TestTrust.Certificate);
    }

    public async Task DisposeAsync()
    {
        TelemetryExport.Shutdown();
        await _collector.DisposeAsync();
        await _arm.DisposeAsync();
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task TraceFile_ShouldHoldOneJsonLinePerSpan_WithTheStagesUnderTheMessage_AndNoSecret()
    {
        var path = Path.Combine(_temp.Path, "traces", "vmeventops.jsonl");
        var options = Options() with { TraceFile = path };
        VmEventEngine.ExportTelemetry(options, NullHostLog.Instance);

        var vm = await OnboardAsync(options, "vm-filed");

        var lines = File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var message = Assert.Single(lines, l => l.GetProperty("name").GetString() == "VmEventOps.ProcessMessage" && Tag(l, VmEventTelemetry.VmResourceIdTag) == vm.Value);
        Assert.Equal("Consumer", message.GetProperty("kind").GetString());
        Assert.Equal("Succeeded", Tag(message, VmEventTelemetry.OutcomeTag));
        Assert.Equal(1, message.GetProperty("tags").GetProperty(VmEventTelemetry.AttemptTag).GetInt32());
        Assert.True(message.GetProperty("durationMs").GetDouble() > 0);
        Assert.True(DateTimeOffset.Parse(message.GetProperty("time").GetString()!, CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(-5));
        var stages = lines.Where(l => l.TryGetProperty("parentSpanId", out var parent) && parent.GetString() == message.GetProperty("spanId").GetString())
            .Select(l => l.GetProperty("name").GetString()!).ToArray();
        // The first claim and the VM GET run at the same time: either may end first. A new VM needs no second claim.
        Assert.Equal(["Parse", "State", "VmLookup", "DatabaseCheck", "Runbook", "Route"], [stages[0], .. stages[1..3].Order(StringComparer.Ordinal), .. stages[3..]]);
        // A database password and an access token in the settings, and an attempt that fails on the password (Sqlite has
        // no encryption: a settings error, dead-lettered at once): still no secret in a span.
        var planted = options with { DbPassword = PlantedDbPassword, AccessToken = PlantedToken };
        await OnboardAsync(planted, "vm-filed-secret", VmEventOutcome.DeadLettered);
        Assert.Contains(File.ReadAllLines(path), l => l.Contains("vm-filed-secret", StringComparison.Ordinal) && l.Contains("DeadLettered", StringComparison.Ordinal));
        AssertNoSecret(File.ReadAllText(path));

        // Export off again: the next onboarding writes nothing.
        VmEventEngine.ExportTelemetry(options with { TraceFile = null }, NullHostLog.Instance);
        var before = File.ReadAllLines(path).Length;
        await OnboardAsync(options with { TraceFile = null }, "vm-unfiled");
        Assert.Equal(before, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void TraceFile_ThatCannotBeWritten_ShouldFailWithItsErrorId()
    {
        var blocker = Path.Combine(_temp.Path, "a-file");
        File.WriteAllText(blocker, "not a folder");
        var failure = Assert.Throws<VmEventOpsException>(() => VmEventEngine.ExportTelemetry(new VmEventOptions { TraceFile = Path.Combine(blocker, "traces.jsonl") }, NullHostLog.Instance));
        Assert.Equal(ErrorIds.TelemetryExportFailed, failure.ErrorId);
        Assert.Contains(blocker, failure.Message, StringComparison.Ordinal);
        Assert.Equal("nothing", TelemetryExport.Targets);
    }

    [Theory]
    [InlineData(OtlpTransport.HttpProtobuf, "http", "/v1/traces", "/v1/metrics", "application/x-protobuf")]
    [InlineData(OtlpTransport.Grpc, "grpc", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", "application/grpc")]
    public async Task Otlp_ShouldReceiveTheSpansAndMetrics_WithTheConfiguredHeaders(OtlpTransport transport, string protocol, string tracesPath, string metricsPath, string contentType)
    {
        var options = Options() with { OtlpEndpoint = _collector.BaseUri, OtlpProtocol = transport, OtlpHeaders = $"x-api-key={PlantedHeader}" };
        VmEventEngine.ExportTelemetry(options, NullHostLog.Instance);

        var vm = await OnboardAsync(options, "vm-otlp-" + protocol);
        Assert.True(TelemetryExport.Flush(TimeSpan.FromSeconds(20)));

        var traces = _collector.Requests.Where(r => r.Protocol == protocol && r.Signal == "traces").ToList();
        Assert.NotEmpty(traces);
        Assert.All(traces, r =>
        {
            Assert.Equal(tracesPath, r.Path);
            Assert.StartsWith(contentType, r.ContentType);
            Assert.Equal(PlantedHeader, r.Headers["x-api-key"]);
        });
        if (transport == OtlpTransport.Grpc) Assert.All(traces, r => Assert.Equal("HTTP/2", r.HttpVersion));
        Assert.Contains(traces, r => r.Contains("VmEventOps.ProcessMessage") && r.Contains(vm.Value) && r.Contains("DatabaseCheck"));
        Assert.Contains(traces, r => r.Contains("service.name") && r.Contains("VmEventOps"));

        var metrics = _collector.Requests.Where(r => r.Protocol == protocol && r.Signal == "metrics").ToList();
        Assert.Contains(metrics, r => r.Path == metricsPath && r.Contains("vmeventops.events") && r.Contains("vmeventops.stage.duration"));
        foreach (var request in traces.Concat(metrics)) AssertNoSecret(Encoding.UTF8.GetString(request.Body));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ApplicationInsights_ShouldReceiveTheMessageAsARequest_AndTheStagesAsDependencies(bool entraAuthorization)
    {
        var connectionString = $"InstrumentationKey={InstrumentationKey};IngestionEndpoint={_collector.BaseUri}" + (entraAuthorization ? ";Authorization=AAD" : string.Empty);
        // The collector is on loopback: it receives the Monitor token only because the allow-list names it.
        var options = Options() with { ApplicationInsightsConnectionString = connectionString, ApplicationInsightsAllowedHosts = [_collector.BaseUri.Authority] };
        VmEventEngine.ExportTelemetry(options, NullHostLog.Instance);

        var vm = await OnboardAsync(options, "vm-monitored-" + entraAuthorization.ToString().ToLowerInvariant());
        var failing = await OnboardAsync(options with { DbServer = Path.Combine(_temp.Path, "missing", "none.db") }, "vm-monitored-failing-" + entraAuthorization.ToString().ToLowerInvariant(), VmEventOutcome.RetryScheduled);
        Assert.True(TelemetryExport.Flush(TimeSpan.FromSeconds(20)));

        var items = _collector.TrackedItems;
        Assert.All(items, i => Assert.Equal(InstrumentationKey, i.GetProperty("iKey").GetString()));
        var request = Assert.Single(items, i => i.GetProperty("data").GetProperty("baseType").GetString() == "RequestData"
            && Property(i, VmEventTelemetry.VmResourceIdTag) == vm.Value);
        var data = request.GetProperty("data").GetProperty("baseData");
        Assert.Equal("VmEventOps.ProcessMessage", data.GetProperty("name").GetString());
        Assert.True(data.GetProperty("success").GetBoolean());
        Assert.Equal("Succeeded", Property(request, VmEventTelemetry.OutcomeTag));
        var operation = request.GetProperty("tags").GetProperty("ai.operation.id").GetString();
        var stages = items.Where(i => i.GetProperty("data").GetProperty("baseType").GetString() == "RemoteDependencyData"
                && i.GetProperty("tags").GetProperty("ai.operation.id").GetString() == operation)
            .Select(i => i.GetProperty("data").GetProperty("baseData").GetProperty("name").GetString()).ToHashSet();
        // A new VM: its first claim is the State stage (no second claim).
        Assert.Superset(new HashSet<string?> { "Parse", "State", "VmLookup", "DatabaseCheck", "Runbook", "Route" }, stages);
        Assert.Contains(items, i => i.GetProperty("data").GetProperty("baseType").GetString() == "MetricData");

        // The failed stage of the other VM's attempt: a failed dependency with the reason code (what the README's queries count).
        var retried = Assert.Single(items, i => i.GetProperty("data").GetProperty("baseType").GetString() == "RequestData" && Property(i, VmEventTelemetry.VmResourceIdTag) == failing.Value);
        Assert.Equal("RetryScheduled", Property(retried, VmEventTelemetry.OutcomeTag));
        var failedStage = Assert.Single(items, i => i.GetProperty("data").GetProperty("baseType").GetString() == "RemoteDependencyData"
            && i.GetProperty("tags").GetProperty("ai.operation.id").GetString() == retried.GetProperty("tags").GetProperty("ai.operation.id").GetString()
            && i.GetProperty("data").GetProperty("baseData").GetProperty("name").GetString() == "DatabaseCheck");
        Assert.False(failedStage.GetProperty("data").GetProperty("baseData").GetProperty("success").GetBoolean());
        Assert.Equal(ErrorIds.DbCheckFailed, Property(failedStage, VmEventTelemetry.ReasonTag));

        var tracks = _collector.Requests.Where(r => r.Signal == "track").ToList();
        // Which token the ingestion host got: Azure Monitor's, never the ARM or Storage token of the same identity.
        if (entraAuthorization) Assert.All(tracks, r => Assert.Equal("https://monitor.azure.com", BearerAudience(r)?.TrimEnd('/')));
        else Assert.All(tracks, r => Assert.False(r.Headers.ContainsKey("Authorization")));
        foreach (var track in tracks) AssertNoSecret(Encoding.UTF8.GetString(track.Body));
    }

    [Theory]
    [InlineData("IngestionEndpoint=https://evil.example.test/")]
    [InlineData("IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com.evil.example.test/")]
    [InlineData("IngestionEndpoint=https://applicationinsights.azure.com/")]
    [InlineData("EndpointSuffix=evil.example.test")]
    [InlineData("IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.cn/")]
    [InlineData("IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;AADAudience=https://management.azure.com/")]
    [InlineData("LOOPBACK")]
    public async Task ApplicationInsights_WithEntraAuthorizationToAHostThatIsNotAzureMonitorsOfTheCloud_ShouldRefuseBeforeAskingForAToken(string endpoint)
    {
        var before = SafeIdentityEnvironment.Emulator.RequestedResources.Count;
        var connectionString = $"InstrumentationKey={InstrumentationKey};Authorization=AAD;"
            + (endpoint == "LOOPBACK" ? $"IngestionEndpoint={_collector.BaseUri}" : endpoint);

        var failure = Assert.Throws<VmEventOpsException>(() =>
            VmEventEngine.ExportTelemetry(Options() with { ApplicationInsightsConnectionString = connectionString }, NullHostLog.Instance));
        await Task.Delay(200);

        Assert.Equal(ErrorIds.TelemetryHostNotAllowed, failure.ErrorId);
        Assert.Equal("nothing", TelemetryExport.Targets);
        Assert.Empty(_collector.Requests);
        Assert.DoesNotContain(SafeIdentityEnvironment.Emulator.RequestedResources.Skip(before), r => r.Contains("monitor", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com/", "IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/")]
    [InlineData("https://login.microsoftonline.com/", "")]
    [InlineData("https://login.microsoftonline.com/", "EndpointSuffix=applicationinsights.azure.com;Location=westeurope")]
    [InlineData("https://login.chinacloudapi.cn/", "IngestionEndpoint=https://chinaeast2-0.in.applicationinsights.azure.cn/;AADAudience=https://monitor.azure.cn/")]
    [InlineData("https://login.microsoftonline.us/", "IngestionEndpoint=https://usgovvirginia-1.in.applicationinsights.us/;AADAudience=https://monitor.azure.us/")]
    public void ApplicationInsights_WithEntraAuthorizationToAzureMonitorOfTheCloud_ShouldStart(string authority, string endpoint)
    {
        var connectionString = $"InstrumentationKey={InstrumentationKey};Authorization=AAD;{endpoint}";

        VmEventEngine.ExportTelemetry(Options() with { AuthorityHost = new Uri(authority), ApplicationInsightsConnectionString = connectionString }, NullHostLog.Instance);

        Assert.Equal("Application Insights", TelemetryExport.Targets);
        TelemetryExport.Shutdown();
    }

    [Fact]
    public void ApplicationInsights_WithAConnectionStringThatIsNotOne_ShouldFailWithoutQuotingIt()
    {
        var failure = Assert.Throws<VmEventOpsException>(() =>
            VmEventEngine.ExportTelemetry(new VmEventOptions { ApplicationInsightsConnectionString = "InstrumentationKey=" + PlantedSecret }, NullHostLog.Instance));
        Assert.Equal(ErrorIds.TelemetryExportFailed, failure.ErrorId);
        Assert.DoesNotContain(PlantedSecret, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Targets_InWords_ShouldNameNoCredentialOfTheEndpointAndNoHeaderOrConnectionString()
    {
        var targets = TelemetryExportTargets.From(new TelemetryOptions
        {
            OtlpEndpoint = new Uri("https://collector-user:Planted-Url-Password-1f@collector.example:4318/otlp"),
            OtlpHeaders = $"x-api-key={PlantedHeader}",
            ApplicationInsightsConnectionString = $"InstrumentationKey={InstrumentationKey}",
        });

        Assert.Equal("OTLP https://collector.example:4318 (Grpc), Application Insights", targets.ToString());
    }

    // The aud claim of the bearer token a request carried (the emulators' tokens are unsigned JWTs).
    private static string? BearerAudience(TelemetryRequest request) =>
        request.Headers.TryGetValue("Authorization", out var value) && value.StartsWith("Bearer ", StringComparison.Ordinal)
            ? new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(value["Bearer ".Length..]).Audiences.FirstOrDefault()
            : null;

    private VmEventOptions Options() => WorkflowTestOptions.For(azurite, _arm) with
    {
        DbProvider = DbProvider.Sqlite,
        DbServer = Path.Combine(_temp.Path, "app.db"),
        ClientSecret = PlantedSecret,
    };

    /// <summary>One VM created, its event sent, received and processed (to Succeeded unless told otherwise; its database is there only then).</summary>
    private async Task<VmResourceId> OnboardAsync(VmEventOptions options, string name, VmEventOutcome expected = VmEventOutcome.Succeeded)
    {
        if (expected == VmEventOutcome.Succeeded)
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={options.DbServer};Pooling=False");
            await connection.OpenAsync();
        }

        var vm = VmResourceId.Parse(_arm.Model.AddVm(Sub, "rg-app", name, ["10.0.5.10"]).Id);
        var queues = VmEventEngine.For(options).Queues(NullHostLog.Instance);
        await queues.SendToMainAsync(QueueTestMessages.EventFor(vm.Value));
        var message = await queues.ReceiveOneAsync();
        var result = await VmEventEngine.For(options).Processor(NullHostLog.Instance).ProcessAsync(message, false, CancellationToken.None);
        Assert.Equal(expected, result.Outcome);
        return vm;
    }

    private static string? Tag(JsonElement span, string name) =>
        span.GetProperty("tags").TryGetProperty(name, out var value) ? value.ToString() : null;

    private static string? Property(JsonElement item, string name) =>
        item.GetProperty("data").GetProperty("baseData").TryGetProperty("properties", out var properties) && properties.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(PlantedSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(PlantedHeader, text, StringComparison.Ordinal);
        Assert.DoesNotContain(PlantedDbPassword, text, StringComparison.Ordinal);
        Assert.DoesNotContain(PlantedToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, text, StringComparison.Ordinal);
    }
}
