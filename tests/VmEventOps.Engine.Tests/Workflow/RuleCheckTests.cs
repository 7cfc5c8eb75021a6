using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Tests.Workflow;

/// <summary>Each kind of check against the real thing on loopback: a TCP listener, an HTTP(S) server, the resolver, a script host.</summary>
public sealed class RuleCheckTests
{
    private const string Id = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-check";

    private static VmFacts Facts(string? address = "127.0.0.1", Dictionary<string, string>? tags = null, string name = "vm-check") => new(
        new VmNetworkInfo { VmResourceId = Id, VmId = Guid.NewGuid(), VmName = name, PrivateIpAddress = address, OsType = "Linux", Location = "westeurope", Tags = tags ?? [] },
        new VmEvent { EventId = "e", EventType = EventFilter.ResourceWriteSuccess, Schema = EventSchema.EventGrid, Raw = "{}" });

    private static IVmCheck Build(string checkJson, IScriptCheckHost? scripts = null)
    {
        var options = new VmEventOptions
        {
            AutomationAccountId = WorkflowTestOptions.AutomationAccount, RunbookName = "Onboard-Vm",
            Rules = $$"""[{ "Name": "r", "Checks": [{{checkJson}}] }]""",
        };
        var rules = RuleSet.From(options);
        Assert.Empty(rules.Errors);
        var factory = new CheckFactory(options, NullHostLog.Instance, _ => Task.FromResult<string?>(null), new KnownSecrets(SecretRedactor.ForOptions(options)), new CheckServices(new CheckHttpClients(), VmEventEngine.Secrets, o => VmEventEngine.For(o).Tokens), scripts);
        return Assert.Single(factory.For(rules.Rules.Single(r => r.Name == "r")));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public async Task TcpPort_WhenTheListenerComesUpLate_ShouldFailRetryablyThenPass()
    {
        var port = FreePort();
        var check = Build($$"""{ "Kind": "TcpPort", "Port": {{port}} }""");

        var before = await check.RunAsync(Facts(), CancellationToken.None);
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var after = await check.RunAsync(Facts(), CancellationToken.None);

        Assert.Equal((false, CheckStatus.Failed, ErrorIds.CheckFailed, true), (before.Passed, before.Status, before.Failure!.ErrorId, before.Failure.IsTransient));
        Assert.Contains("ConnectionRefused", before.Summary);
        Assert.Equal((true, CheckStatus.Passed, "TcpPort"), (after.Passed, after.Status, after.Kind));
        Assert.Equal($"OK (127.0.0.1:{port})", after.Summary);
    }

    [Fact]
    public async Task TcpPort_WhenTheRuleSaysNotRetryable_ShouldFailForGood()
    {
        var check = Build($$"""{ "Kind": "TcpPort", "Port": {{FreePort()}}, "Retryable": false }""");

        var result = await check.RunAsync(Facts(), CancellationToken.None);

        Assert.False(result.Failure!.IsTransient);
    }

    [Fact]
    public async Task TcpPort_WhenTheVmHasNoAddress_ShouldBeAnError_NotAConnectionAnywhere()
    {
        var result = await Build("""{ "Kind": "TcpPort", "Port": 22 }""").RunAsync(Facts(address: null), CancellationToken.None);

        Assert.Equal((CheckStatus.Error, ErrorIds.CheckError), (result.Status, result.Failure!.ErrorId));
    }

    [Fact]
    public async Task Http_WhenTheConnectionHangs_ShouldTimeOutWithinItsLimit()
    {
        // A listener whose backlog is full does not answer a SYN: the connection waits until the check's limit.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        for (var i = 0; i < 8; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try { filler.Connect(IPAddress.Loopback, port); } catch (SocketException) { }
            fillers.Add(filler);
        }

        var check = Build($$"""{ "Kind": "Http", "Url": "http://127.0.0.1:{{port}}/health", "TimeoutSeconds": 1 }""");
        var watch = Stopwatch.StartNew();
        var result = await check.RunAsync(Facts(), CancellationToken.None);

        foreach (var filler in fillers) filler.Dispose();
        Assert.Equal((CheckStatus.TimedOut, ErrorIds.CheckTimedOut, true), (result.Status, result.Failure!.ErrorId, result.Failure.IsTransient));
        Assert.InRange(watch.ElapsedMilliseconds, 900, 15000);
    }

    [Fact]
    public async Task TcpPort_WhenTheSynIsNeverAnswered_ShouldTimeOutWithinItsLimit()
    {
        // A TCP connect to a port whose SYNs are dropped: the address is one no route answers on this machine, or a
        // listener whose backlog is full; in both the connect waits, and only the check's limit ends it.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        for (var i = 0; i < 8; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try { filler.Connect(IPAddress.Loopback, port); } catch (SocketException) { }
            fillers.Add(filler);
        }

        var check = Build($$"""{ "Kind": "TcpPort", "Port": {{port}}, "TimeoutSeconds": 1 }""");
        var watch = Stopwatch.StartNew();
        var result = await check.RunAsync(Facts(), CancellationToken.None);

        foreach (var filler in fillers) filler.Dispose();
        Assert.Equal((CheckStatus.TimedOut, ErrorIds.CheckTimedOut, true), (result.Status, result.Failure!.ErrorId, result.Failure.IsTransient));
        Assert.Equal("TcpPort", result.Kind);
        Assert.InRange(watch.ElapsedMilliseconds, 900, 5000);
    }

    [Fact]
    public async Task BoundedCheck_WhenTheCheckIgnoresItsToken_ShouldStillTimeOutAtItsLimit()
    {
        // A resolver that does not heed cancellation (getaddrinfo on a dead DNS server) stands for any such check.
        var spec = new DnsCheckSpec { Name = "DnsCheck", Timeout = TimeSpan.FromSeconds(1), Retryable = true, HostName = "x", Address = "{PrivateIpAddress}" };
        var check = new BoundedCheck(new StubbornCheck(TimeSpan.FromSeconds(20)), spec);

        var watch = Stopwatch.StartNew();
        var result = await check.RunAsync(Facts(), CancellationToken.None);

        Assert.Equal((CheckStatus.TimedOut, ErrorIds.CheckTimedOut, true, "Dns"), (result.Status, result.Failure!.ErrorId, result.Failure.IsTransient, result.Kind));
        Assert.InRange(watch.ElapsedMilliseconds, 900, 5000);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task BoundedCheck_WhatACheckThrows_ShouldBeClassifiedByTheOneClassifier(bool dropped, bool transient)
    {
        var spec = new TcpPortCheckSpec { Name = "TcpPortCheck", Timeout = TimeSpan.FromSeconds(5), Retryable = true, Host = "{PrivateIpAddress}", Port = 22 };
        Exception thrown = dropped ? new IOException("the connection was reset") : new InvalidOperationException("a bug");
        var check = new BoundedCheck(new ThrowingCheck(thrown), spec);

        var result = await check.RunAsync(Facts(), CancellationToken.None);

        Assert.Equal((CheckStatus.Error, ErrorIds.CheckError, transient), (result.Status, result.Failure!.ErrorId, result.Failure.IsTransient));
        Assert.Contains(thrown.GetType().Name, result.Failure.Message);
    }

    [Theory]
    [InlineData(200, "[200]", true)]
    [InlineData(204, "[200, 204]", true)]
    [InlineData(503, "200", false)]
    public async Task Http_ShouldPassOnlyOnAnExpectedStatus(int status, string expected, bool passes)
    {
        await using var server = new TinyHttpServer { Status = status };
        var check = Build($$"""{ "Kind": "Http", "Url": "http://{PrivateIpAddress}:{{server.Port}}/health/{VmName}", "ExpectedStatus": {{expected}} }""");

        var result = await check.RunAsync(Facts(), CancellationToken.None);

        Assert.Equal(passes, result.Passed);
        Assert.StartsWith("GET /health/vm-check HTTP/1.1", Assert.Single(server.Requests));
        if (!passes) Assert.Contains($"answered {status}", result.Failure!.Message);
    }

    [Fact]
    public async Task Http_OverTlsWithATrustedCertificate_ShouldPass()
    {
        await using var server = new TinyHttpServer(TestTrust.Certificate);
        var check = Build($$"""{ "Kind": "Http", "Url": "https://{PrivateIpAddress}:{{server.Port}}/health" }""");

        var result = await check.RunAsync(Facts(), CancellationToken.None);

        Assert.True(result.Passed, result.Failure?.Message);
    }

    [Fact]
    public async Task Http_WhenTheCertificateNamesAnotherHost_ShouldFailForGood_UnlessTheRuleNamesTheHostOrTrustsTheServer()
    {
        await using var server = new TinyHttpServer(TestTrust.Certificate);
        var url = $"https://{{PrivateIpAddress}}:{server.Port}/health";

        var wrongName = await Build($$"""{ "Kind": "Http", "Url": "{{url}}", "HostNameInCertificate": "app.example.org" }""").RunAsync(Facts(), CancellationToken.None);
        var rightName = await Build($$"""{ "Kind": "Http", "Url": "{{url}}", "HostNameInCertificate": "localhost" }""").RunAsync(Facts(), CancellationToken.None);
        var trusted = await Build($$"""{ "Kind": "Http", "Url": "{{url}}", "HostNameInCertificate": "app.example.org", "TrustServerCertificate": true }""").RunAsync(Facts(), CancellationToken.None);

        Assert.Equal((false, ErrorIds.CheckFailed, false), (wrongName.Passed, wrongName.Failure!.ErrorId, wrongName.Failure.IsTransient));
        Assert.Contains("TLS", wrongName.Failure.Message);
        Assert.True(rightName.Passed, rightName.Failure?.Message);
        Assert.True(trusted.Passed, trusted.Failure?.Message);
    }

    [Fact]
    public async Task Http_HostNameInCertificate_ShouldBeFilledAsATemplateOfTheVmsFacts_AsTheDocsExampleWrites()
    {
        // docs/rules-and-checks.md: "HostNameInCertificate": "{VmName}.corp.example"; the test certificate names localhost.
        await using var server = new TinyHttpServer(TestTrust.Certificate);
        var check = Build($$"""{ "Kind": "Http", "Url": "https://{PrivateIpAddress}:{{server.Port}}/health", "HostNameInCertificate": "{VmName}" }""");

        var named = await check.RunAsync(Facts(name: "localhost"), CancellationToken.None);
        var other = await check.RunAsync(Facts(name: "vm-check"), CancellationToken.None);

        Assert.True(named.Passed, named.Failure?.Message);
        Assert.Contains($"Host: localhost:{server.Port}", server.Requests.First());
        Assert.Equal((false, ErrorIds.CheckFailed), (other.Passed, other.Failure!.ErrorId));
        Assert.Contains("TLS", other.Failure.Message);
    }

    [Fact]
    public async Task Http_WhenNothingListens_ShouldFailRetryably()
    {
        var result = await Build($$"""{ "Kind": "Http", "Url": "http://127.0.0.1:{{FreePort()}}/" }""").RunAsync(Facts(), CancellationToken.None);

        Assert.Equal((false, CheckStatus.Failed, true), (result.Passed, result.Status, result.Failure!.IsTransient));
    }

    [Theory]
    [InlineData("evil.example/?")]
    [InlineData("10.0.0.1@evil.example")]
    [InlineData("a#b?c=d&e")]
    public async Task Http_WhenATagFillsThePath_ShouldEscapeIt_AndKeepTheHostAndHeaders(string hostile)
    {
        await using var server = new TinyHttpServer();
        var check = Build($$"""{ "Kind": "Http", "Url": "http://{PrivateIpAddress}:{{server.Port}}/apps/{Tag:app}?v={Tag:app}", "Headers": { "Authorization": "Bearer Planted-1" } }""");

        var result = await check.RunAsync(Facts(tags: new() { ["app"] = hostile }), CancellationToken.None);

        Assert.True(result.Passed, result.Failure?.Message);
        var escaped = Uri.EscapeDataString(hostile);
        Assert.StartsWith($"GET /apps/{escaped}?v={escaped} HTTP/1.1", Assert.Single(server.Requests));
    }

    [Theory]
    [InlineData("127.0.0.1@evil.example", "vm-check")]
    [InlineData("evil.example/?", "vm-check")]
    [InlineData("127.0.0.1", "evil.example:443#")]
    [InlineData("127.0.0.1", "vm\\evil.example")]
    public async Task Http_WhenAFactOfTheHostHoldsAUserPortOrPath_ShouldNotSendAnything(string address, string name)
    {
        await using var server = new TinyHttpServer();
        var check = Build($$"""{ "Kind": "Http", "Url": "http://{PrivateIpAddress}{VmName}:{{server.Port}}/health", "Headers": { "Authorization": "Bearer Planted-1" } }""");

        var result = await check.RunAsync(Facts(address, name: name), CancellationToken.None);

        Assert.Equal((CheckStatus.Error, ErrorIds.RuleTemplateValueInvalid, false), (result.Status, result.Failure!.ErrorId, result.Failure.IsTransient));
        Assert.DoesNotContain("Planted-1", result.Failure.Message);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("""{ "Kind": "TcpPort", "Port": 22, "Host": "{Tag:host}" }""")]
    [InlineData("""{ "Kind": "Dns", "HostName": "{Tag:host}" }""")]
    public async Task TcpPortAndDns_WhenATagFillsTheHostWithAPortOrPath_ShouldBeAnError_NotAConnection(string checkJson)
    {
        foreach (var hostile in new[] { "evil.example:22", "127.0.0.1/x", "a\nb", "x@evil.example", "evil.example?" })
        {
            var result = await Build(checkJson).RunAsync(Facts(tags: new() { ["host"] = hostile }), CancellationToken.None);

            Assert.Equal((CheckStatus.Error, ErrorIds.RuleTemplateValueInvalid), (result.Status, result.Failure!.ErrorId));
        }
    }

    [Fact]
    public async Task Database_WhenTheAddressFactCarriesConnectionStringText_ShouldNotConnect()
    {
        var check = Build("""{ "Kind": "Database", "Provider": "PostgreSql", "Server": "{PrivateIpAddress}", "User": "probe", "Password": "Planted-pw" }""");

        var result = await check.RunAsync(Facts("db.evil.example;Port=1"), CancellationToken.None);

        Assert.Equal((CheckStatus.Error, ErrorIds.RuleTemplateValueInvalid), (result.Status, result.Failure!.ErrorId));
        Assert.DoesNotContain("Planted-pw", result.Failure.Message);
    }

    [Fact]
    public async Task TcpPort_WhenTheVmLacksARequiredTag_ShouldBeAnError_AndAnOptionalTagFillsEmpty()
    {
        var required = await Build("""{ "Kind": "TcpPort", "Port": 22, "Host": "{Tag:host}" }""").RunAsync(Facts(), CancellationToken.None);
        var optional = await Build("""{ "Kind": "TcpPort", "Port": 22, "Host": "{Tag:host?}" }""").RunAsync(Facts(), CancellationToken.None);

        Assert.Equal((CheckStatus.Error, ErrorIds.RuleTemplateValueInvalid), (required.Status, required.Failure!.ErrorId));
        Assert.Contains("no tag host", required.Failure.Message);
        Assert.Equal((CheckStatus.Error, ErrorIds.CheckError), (optional.Status, optional.Failure!.ErrorId));
    }

    [Fact]
    public async Task Dns_WhenTheNameResolvesToTheVmsAddress_ShouldPass_AndOtherwiseFail()
    {
        var check = Build("""{ "Kind": "Dns", "HostName": "localhost" }""");

        var loopback = await check.RunAsync(Facts("127.0.0.1"), CancellationToken.None);
        var elsewhere = await check.RunAsync(Facts("10.0.0.4"), CancellationToken.None);

        Assert.True(loopback.Passed, loopback.Failure?.Message);
        Assert.Equal((false, ErrorIds.CheckFailed), (elsewhere.Passed, elsewhere.Failure!.ErrorId));
        Assert.Contains("should resolve to 10.0.0.4", elsewhere.Failure.Message);
    }

    [Fact]
    public async Task Dns_WhenTheResolverNeverAnswersNorHeedsItsToken_ShouldTimeOutWithinItsLimit()
    {
        // A resolver whose server is gone, as getaddrinfo behaves: no answer, and cancellation not heeded.
        var spec = new DnsCheckSpec { Name = "DnsCheck", Timeout = TimeSpan.FromSeconds(1), Retryable = true, HostName = "{VmName}.corp.example", Address = "{PrivateIpAddress}" };
        var hung = new TaskCompletionSource<IPAddress[]>();
        string? asked = null;
        var check = new BoundedCheck(new DnsCheck(spec, (name, _) => { asked = name; return hung.Task; }), spec);

        var watch = Stopwatch.StartNew();
        var result = await check.RunAsync(Facts(), CancellationToken.None);

        Assert.Equal((CheckStatus.TimedOut, ErrorIds.CheckTimedOut, true, "Dns"), (result.Status, result.Failure!.ErrorId, result.Failure.IsTransient, result.Kind));
        Assert.Equal("vm-check.corp.example", asked);
        Assert.InRange(watch.ElapsedMilliseconds, 900, 5000);
    }

    [Fact]
    public async Task Dns_WhenTheNameDoesNotResolve_ShouldFail()
    {
        var result = await Build("""{ "Kind": "Dns", "HostName": "{VmName}.invalid" }""").RunAsync(Facts(), CancellationToken.None);

        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("vm-check.invalid", result.Failure!.Message);
    }

    [Fact]
    public async Task Tags_ShouldPassWhenEveryRequiredTagIsThereAndMatches_AndNameWhatIsMissing()
    {
        var check = Build("""{ "Kind": "Tags", "Required": ["owner", "costcenter=CC-*"] }""");

        var ok = await check.RunAsync(Facts(tags: new() { ["Owner"] = "ops", ["costcenter"] = "CC-42" }), CancellationToken.None);
        var missing = await check.RunAsync(Facts(tags: new() { ["costcenter"] = "XX-1" }), CancellationToken.None);

        Assert.True(ok.Passed);
        Assert.Equal((false, false), (missing.Passed, missing.Failure!.IsTransient));
        Assert.Equal("missing owner, costcenter=CC-*", missing.Summary);
    }

    [Fact]
    public async Task Script_WithoutAHost_ShouldBeAnError()
    {
        using var temp = new TempDirectory();
        var script = Path.Combine(temp.Path, "check.ps1");
        await File.WriteAllTextAsync(script, "param($VmName) $true");

        var result = await Build($$"""{ "Kind": "Script", "Path": "{{script.Replace("\\", "\\\\")}}" }""").RunAsync(Facts(), CancellationToken.None);

        Assert.Equal((CheckStatus.Error, ErrorIds.CheckError), (result.Status, result.Failure!.ErrorId));
    }

    [Fact]
    public async Task Script_ShouldHandTheVmsFactsToTheHost_AndTakeItsAnswer()
    {
        using var temp = new TempDirectory();
        var script = Path.Combine(temp.Path, "check.ps1");
        await File.WriteAllTextAsync(script, "param($VmName)");
        var host = new RecordingScriptHost(new ScriptCheckOutcome(false, "the agent is not installed"));

        var result = await Build($$"""{ "Kind": "Script", "Path": "{{script.Replace("\\", "\\\\")}}", "Retryable": true }""", host).RunAsync(Facts(), CancellationToken.None);

        Assert.Equal((CheckStatus.Failed, true), (result.Status, result.Failure!.IsTransient));
        Assert.Equal("the agent is not installed", result.Summary);
        Assert.Equal(("vm-check", "127.0.0.1", "Linux"), ((string?)host.Parameters!["VmName"], (string?)host.Parameters["PrivateIpAddress"], (string?)host.Parameters["OsType"]));
    }

    [Fact]
    public async Task Script_WhenTheHostOverrunsTheLimit_ShouldTimeOut()
    {
        using var temp = new TempDirectory();
        var script = Path.Combine(temp.Path, "slow.ps1");
        await File.WriteAllTextAsync(script, "Start-Sleep 60");

        var result = await Build($$"""{ "Kind": "Script", "Path": "{{script.Replace("\\", "\\\\")}}", "TimeoutSeconds": 1 }""", new RecordingScriptHost(null)).RunAsync(Facts(), CancellationToken.None);

        Assert.Equal((CheckStatus.TimedOut, ErrorIds.CheckTimedOut), (result.Status, result.Failure!.ErrorId));
    }

    [Fact]
    public async Task Script_WhoseTurnNeverCameWithinItsLimit_ShouldTimeOutRetryably_EvenWhenTheRuleSaysNotRetryable()
    {
        using var temp = new TempDirectory();
        var script = Path.Combine(temp.Path, "queued.ps1");
        await File.WriteAllTextAsync(script, "$true");

        var result = await Build($$"""{ "Kind": "Script", "Path": "{{script.Replace("\\", "\\\\")}}", "TimeoutSeconds": 1 }""", new QueuedScriptHost()).RunAsync(Facts(), CancellationToken.None);

        Assert.Equal((CheckStatus.TimedOut, ErrorIds.CheckTimedOut, true), (result.Status, result.Failure!.ErrorId, result.Failure.IsTransient));
        Assert.Contains("one at a time per runspace", result.Failure.Message);
    }

    [Fact]
    public void CheckRecord_OfAPassedAndAFailedCheck_ShouldPassBothReasonsThroughTheMasking()
    {
        static string Mask(string text) => text.Replace("Planted-1", "***", StringComparison.Ordinal);
        var passed = CheckResult.Pass("HttpCheck", "OK (200 http://127.0.0.1/Planted-1)") with { Kind = "Http", ElapsedMs = 3 };
        var failed = CheckResult.Fail("HttpCheck", "503", new Engine.Errors.Failure(ErrorIds.CheckFailed, VmErrorCategory.InvalidResult, true, null, "http://127.0.0.1/Planted-1 answered 503"));

        Assert.Equal("OK (200 http://127.0.0.1/***)", CheckRecord.Of(passed, Mask).Reason);
        Assert.Equal("VmCheckFailed: http://127.0.0.1/*** answered 503", CheckRecord.Of(failed, Mask).Reason);
        Assert.Equal((CheckStatus.Passed, "Http", 3L), (CheckRecord.Of(passed, Mask).Status, CheckRecord.Of(passed, Mask).Kind, CheckRecord.Of(passed, Mask).ElapsedMs));
    }

    // A check that takes its time, heeding its token only when cooperative.
    private sealed class StubbornCheck(TimeSpan takes, bool cooperative = false) : IVmCheck
    {
        public string Name => "Stubborn";

        public async Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken)
        {
            await Task.Delay(takes, cooperative ? cancellationToken : CancellationToken.None);
            return CheckResult.Pass(Name, "late");
        }
    }

    private sealed class ThrowingCheck(Exception exception) : IVmCheck
    {
        public string Name => "Throwing";

        public Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken) => Task.FromException<CheckResult>(exception);
    }

    // A runspace whose pipeline thread is busy with another script until the limit: what RunspaceScriptCheckHost then says.
    private sealed class QueuedScriptHost : IScriptCheckHost
    {
        public async Task<ScriptCheckOutcome> RunAsync(string path, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new VmEventOpsException(ErrorIds.CheckTimedOut, VmErrorCategory.OperationTimeout, "The script did not start within its limit: Script checks run one at a time per runspace, and others ran first.") { IsTransient = true };
            }

            return new ScriptCheckOutcome(true, null);
        }
    }

    private sealed class RecordingScriptHost(ScriptCheckOutcome? answer) : IScriptCheckHost
    {
        public IReadOnlyDictionary<string, object?>? Parameters { get; private set; }

        public async Task<ScriptCheckOutcome> RunAsync(string path, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken)
        {
            Parameters = parameters;
            if (answer is null) await Task.Delay(Timeout.Infinite, cancellationToken);
            return answer!;
        }
    }
}
