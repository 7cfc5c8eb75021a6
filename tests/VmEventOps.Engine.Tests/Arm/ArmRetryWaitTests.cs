using System.Diagnostics;
using VmEventOps.Emulators;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Arm;

/// <summary>
/// A wait the service names that is longer than the request may sleep, through the real Azure.Core pipeline: never slept,
/// the request fails VmArmThrottled with the service's Retry-After at once (the workflow then defers the message).
/// </summary>
public sealed class ArmRetryWaitTests : IAsyncLifetime
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";
    private const string Account = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/aa-onboarding";
    private ArmEmulator _arm = null!;

    public async Task InitializeAsync() => _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private VmEventOptions Options => new() { ArmEndpoint = _arm.BaseUri, ArmAllowedHosts = [_arm.BaseUri.Authority], AuthMode = AuthMode.ManagedIdentity };

    private static ArmGateway Gateway(VmEventOptions options) => VmEventEngine.For(options).Arm(NullHostLog.Instance);

    // A request that slept a long Retry-After would still be sleeping when this ends; the ones under test answer in seconds.
    private static CancellationToken Soon() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static VmResourceId Id(ArmVm vm) => VmResourceId.Parse(vm.Id);

    [Fact]
    public async Task GetVmNetworkInfo_WhenComputeAnswers429WithRetryAfter1200WithoutTheErrorWrapper_ShouldFailArmThrottledAtOnce()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-hot", ["10.0.0.4"]);
        _arm.Fail("vm", 429, retryAfter: TimeSpan.FromSeconds(1200), unwrapped: true);
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway(Options).GetVmNetworkInfoAsync(Id(vm), Soon()));

        Assert.Equal(ErrorIds.ArmThrottled, error.ErrorId);
        Assert.Equal(VmErrorCategory.LimitsExceeded, error.Category);
        Assert.True(error.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(1200), error.RetryAfter);
        Assert.Contains("OperationNotAllowed", error.Message);  // the documented body: code and message at the top
        Assert.Contains("ArmMaxRetryWait", error.Message);
        Assert.Equal(1, _arm.Calls("vm"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task GetVmNetworkInfo_WhenTheRetryAfterIsLongerThanArmMaxRetryWait_ShouldNotSleepIt()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-warm", ["10.0.0.5"]);
        _arm.Fail("vm", 429, retryAfter: TimeSpan.FromSeconds(20));

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway(Options with { ArmMaxRetryWait = TimeSpan.FromSeconds(10) }).GetVmNetworkInfoAsync(Id(vm), Soon()));

        Assert.Equal(ErrorIds.ArmThrottled, error.ErrorId);
        Assert.Equal(TimeSpan.FromSeconds(20), error.RetryAfter);
        Assert.Contains("TooManyRequests", error.Message);     // the wrapped body
        Assert.Equal(1, _arm.Calls("vm"));
    }

    [Fact]
    public async Task GetVmNetworkInfo_WhenAShortRetryAfterIsLongerThanTheTimeLeftInTheInvocation_ShouldFailArmThrottled()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-late", ["10.0.0.6"]);
        _arm.Fail("vm", 429, retryAfter: TimeSpan.FromSeconds(8));
        var gateway = Gateway(Options with { InvocationTimeout = TimeSpan.FromSeconds(4) });
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => gateway.GetVmNetworkInfoAsync(Id(vm), Soon()));

        Assert.Equal(ErrorIds.ArmThrottled, error.ErrorId);
        Assert.Equal(TimeSpan.FromSeconds(8), error.RetryAfter);
        Assert.Contains("time left", error.Message);
        Assert.Equal(1, _arm.Calls("vm"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(7), $"took {watch.Elapsed}");   // not the 8 s asked, with room for a loaded machine
    }

    [Fact]
    public async Task GetVmNetworkInfo_WhenTheNicAnswers503WithALongRetryAfter_ShouldFailArmThrottledWithIt()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-busy", ["10.0.0.7"]);
        _arm.Fail("nic", 503, retryAfter: TimeSpan.FromSeconds(900));

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway(Options).GetVmNetworkInfoAsync(Id(vm), Soon()));

        Assert.Equal(ErrorIds.ArmThrottled, error.ErrorId);
        Assert.Equal(TimeSpan.FromSeconds(900), error.RetryAfter);
        Assert.Contains("HTTP 503", error.Message);
        Assert.Equal(1, _arm.Calls("nic"));
    }

    [Fact]
    public async Task GetRunbookJob_WhenTheJobGetAnswers429WithALongRetryAfter_ShouldFailArmThrottledAtOnce()
    {
        var started = await Gateway(Options).StartRunbookAsync(new RunbookJobRequest { AutomationAccountId = Account, RunbookName = "Onboard-Vm" }, Soon());
        _arm.Fail("job-get", 429, retryAfter: TimeSpan.FromSeconds(1200));

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway(Options).GetRunbookJobAsync(Account, started.JobId, includeStreams: true, Soon()));

        Assert.Equal(ErrorIds.ArmThrottled, error.ErrorId);
        Assert.Equal(TimeSpan.FromSeconds(1200), error.RetryAfter);
        Assert.Equal(1, _arm.Calls("job-get"));
    }

    [Fact]
    public async Task StartRunbook_WhenTheJobQuotaFreesLaterThanTheTimeLeftInTheInvocation_ShouldFailArmThrottledInsteadOfWaiting()
    {
        _arm.Fail("job-put", 429, retryAfter: TimeSpan.FromSeconds(8));
        var gateway = Gateway(Options with { InvocationTimeout = TimeSpan.FromSeconds(4) });
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => gateway.StartRunbookAsync(new RunbookJobRequest { AutomationAccountId = Account, RunbookName = "Onboard-Vm" }, Soon()));

        Assert.Equal(ErrorIds.ArmThrottled, error.ErrorId);
        Assert.Equal(1, _arm.Calls("job-put"));
        Assert.Empty(_arm.Model.Jobs);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(7), $"took {watch.Elapsed}");   // not the 8 s asked, with room for a loaded machine
    }
}
