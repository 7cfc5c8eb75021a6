using System.Text.Json.Nodes;
using OpenQA.Selenium.Chrome;
using OpenTelemetry.Trace;
using VmEventOps.Emulators;
using VmEventOps.Engine.Api;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Dashboard;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Telemetry;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Dashboard;

/// <summary>
/// The local dashboard over Azurite and the ARM emulator with the demo's story in it: two VMs onboarded, a duplicate, a
/// forged event outside the scope, a malformed message and a VM whose database is not up (poison after its one attempt),
/// plus a poison message an attacker wrote with HTML and script in its fields. One headless chromium for the class; in
/// the Azurite collection (with an Azurite of its own), so no other workflow test runs while its spans are recorded.
/// </summary>
public sealed class DashboardSite : IAsyncLifetime, IDisposable
{
    public const string Sub = WorkflowTestOptions.Subscription;
    public const string TraceLinks = "https://portal.example/transaction/{traceId}";
    public const string Script = "<script>window.__xss = 1</script>";
    public const string Image = "<img src=x onerror=\"window.__xss = 2\">";

    private readonly AzuriteFixture _azurite = new();
    private readonly TempDirectory _temp = new();
    private readonly CancellationTokenSource _stop = new();
    private ArmEmulator? _arm;
    private Task<int>? _serving;

    public VmEventOptions Options { get; private set; } = null!;

    public DashboardServer Server { get; private set; } = null!;

    public ChromeDriver Driver { get; private set; } = null!;

    private ArmEmulator Arm => _arm!;

    public RecordingHostLog Log { get; } = new();

    public string Vm1 { get; private set; } = null!;

    public string Vm3 { get; private set; } = null!;

    public string XssMessageId { get; private set; } = null!;

    public string DatabaseOf(string vmName) => Path.Combine(_temp.Path, vmName + ".db");

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);
        Options = WorkflowTestOptions.For(_azurite, Arm) with
        {
            DbProvider = DbProvider.Sqlite,
            DbServer = Path.Combine(_temp.Path, "{VmName}.db"),
            MaxAttempts = 1,
        };
        // Spans recorded while the story is written (nothing exported): the records carry trace ids, which the VM view links.
        using (OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(VmEventTelemetry.Name).Build())
        {
            await SeedAsync();
        }

        var router = VmEventEngine.For(Options).Api(Log, SecretRedactor.ForOptions(Options), new ApiSettings { TraceLinkTemplate = TraceLinks });
        Server = DashboardServer.Start(router.HandleAsync, Path.Combine(Repository.Root, "module", "Dashboard"), 0, Log);
        _serving = Server.RunAsync(_stop.Token);
        Driver = Browser.Start();
    }

    public async Task DisposeAsync()
    {
        try
        {
            (Driver as IDisposable)?.Dispose();
        }
        finally
        {
            await _stop.CancelAsync();
            if (_serving is not null) await _serving;
            if (Server is not null) await Server.DisposeAsync();
            if (_arm is not null) await _arm.DisposeAsync();
            await _azurite.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _temp.Dispose();
        _stop.Dispose();
    }

    /// <summary>Opens a view of the dashboard, the access token in the URL as Start-VmEventDashboard prints it.</summary>
    public void Open(string view = "#/health")
    {
        if (!_opened)
        {
            Driver.Navigate().GoToUrl(Server.Url);
            Driver.Until(d => d.FindElements(OpenQA.Selenium.By.CssSelector("section[aria-busy=false]")).Count > 0, "the first view");
            _opened = true;
        }

        // The page stays (its token is in the tab's session storage); the view is drawn afresh, as a link in it would.
        ((OpenQA.Selenium.IJavaScriptExecutor)Driver).ExecuteScript(
            "document.getElementById('main').replaceChildren(); if (location.hash === arguments[0]) window.dispatchEvent(new HashChangeEvent('hashchange')); else location.hash = arguments[0];", view);
    }

    private bool _opened;

    /// <summary>One pass of the worker over the main and retry queues until they are empty.</summary>
    public Task<WorkerSummary> DrainAsync() =>
        VmEventEngine.For(Options).Worker(NullHostLog.Instance).RunAsync(
            new WorkerSettings { StopWhenEmpty = true, WaitForInvisible = false, Queues = [QueueKind.Main, QueueKind.Retry] }, _ => { }, CancellationToken.None);

    private async Task SeedAsync()
    {
        var vm1 = Arm.Model.AddVm(Sub, "rg-app", "vm-demo-01", ["10.0.0.4"]);
        var vm2 = Arm.Model.AddVm(Sub, "rg-app", "vm-demo-02", ["10.0.0.5"]);
        var vm3 = Arm.Model.AddVm(Sub, "rg-app", "vm-demo-03", ["10.0.0.6"]);
        Vm1 = vm1.Id;
        Vm3 = vm3.Id;
        foreach (var name in new[] { "vm-demo-01", "vm-demo-02" })
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabaseOf(name)};Pooling=False");
            await connection.OpenAsync();
        }

        var queues = VmEventEngine.For(Options).Queues(NullHostLog.Instance);
        foreach (var id in new[] { vm1.Id, vm2.Id, vm3.Id, vm1.Id, $"/subscriptions/{Sub}/resourceGroups/rg-elsewhere/providers/Microsoft.Compute/virtualMachines/vm-elsewhere" })
        {
            await queues.SendToMainAsync(QueueTestMessages.EventFor(id));
        }

        await queues.SendToMainAsync("this is not an event");
        await DrainAsync();

        // Written straight to poison by someone who may write to the queue: every field is theirs.
        var forged = JsonNode.Parse(QueueTestMessages.EventFor($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-xss"))!;
        forged["id"] = Script;
        var envelope = new MessageEnvelope
        {
            Attempt = 1,
            FirstSeen = DateTimeOffset.UtcNow.AddMinutes(-3),
            Reason = Image,
            History = [new EnvelopeHistoryEntry(DateTimeOffset.UtcNow.AddMinutes(-3), Script, Image)],
            Original = forged.ToJsonString(),
        };
        XssMessageId = await queues.SendAsync(QueueKind.Poison, envelope.Serialize(), null, CancellationToken.None);
    }
}
