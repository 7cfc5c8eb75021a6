using VmEventOps.Engine.Api;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.KeyVault;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Telemetry;
using VmEventOps.Engine.Workflow;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Hosting;

/// <summary>
/// The composition root as callers see it: the settings of one invocation on the shared host of their identity and
/// endpoints (<see cref="EngineHost"/>). Cmdlets, the Function app and tests ask it for a ready manager, processor or worker;
/// the managers receive their clients through their constructors and never build one.
/// </summary>
public sealed class VmEventEngine
{
    private readonly EngineHost _host;

    private VmEventEngine(EngineHost host, VmEventOptions options)
    {
        _host = host;
        Options = options;
    }

    /// <summary>The invocation's settings.</summary>
    public VmEventOptions Options { get; }

    /// <summary>The engine for these settings (its host built on first use of their identity and endpoints).</summary>
    public static VmEventEngine For(VmEventOptions options) => new(EngineHostRegistry.For(options), options);

    /// <summary>The identity's credential and token cache.</summary>
    public TokenProvider Tokens => _host.Tokens;

    /// <summary>
    /// Exports traces and metrics to what the settings name from now on (process-wide, as the exporters are); Azure
    /// Monitor with Authorization=AAD is sent the settings' own identity's token.
    /// </summary>
    public static void ExportTelemetry(VmEventOptions options, IHostLog log) => TelemetryExport.Apply(options, o => For(o).Tokens.Credential, log);

    /// <summary>The process's reader of Key Vault references (each settings' own identity, one cache, one client per vault and identity).</summary>
    public static KeyVaultReferenceResolver Secrets => EngineHostRegistry.SecretResolver;

    /// <summary>The queues (and the large message store, when the settings say where the blob service is).</summary>
    public QueueManager Queues(IHostLog log)
    {
        var container = Options.Storage.LargeMessageContainerName;
        return new QueueManager(_host.QueueService, Options, log, TimeProvider.System,
            () => _host.BlobService is { } blobs ? new LargeMessageStore(blobs.GetBlobContainerClient(container), _host.CreatedContainers) : null, _host.CreatedQueues);
    }

    /// <summary>The onboarding state table.</summary>
    public OnboardingStateStore State() => new(_host.TableService.GetTableClient(Options.Storage.StateTableName), _host.CreatedTables);

    /// <summary>ARM, with this invocation's retry budget starting now (InvocationTimeout).</summary>
    public ArmGateway Arm(IHostLog log) => new(_host.ArmPipeline, Options, log, ArmRetryBudget.For(Options.Arm, DateTimeOffset.UtcNow), account => EngineHostRegistry.Pacer(Options, account));

    /// <summary>The workflow's processor. <paramref name="dbPassword"/> gives the database password per check (a Key Vault reference read again as its cache period passes); DbPassword by default.
    /// <paramref name="scripts"/> runs Script checks (the calling runspace); without one, a Script check is an error.</summary>
    public EventProcessor Processor(IHostLog log, Func<CancellationToken, Task<string?>>? dbPassword = null, Workflow.Checks.IScriptCheckHost? scripts = null) =>
        new(Options, Queues(log), State(), Arm(log), log, EngineHostRegistry.CheckServices, dbPassword, scripts: scripts);

    /// <summary>
    /// Event Grid's dead-letter container, on the blob service of the storage settings (as the claim check's container);
    /// VmDeadLetterNotConfigured when the settings name no blob endpoint.
    /// </summary>
    public DeadLetterStore DeadLetters(IHostLog log)
    {
        var blobs = _host.BlobService ?? throw new VmEventOpsException(ErrorIds.DeadLetterNotConfigured, VmErrorCategory.InvalidArgument,
            $"The dead-letter container {Options.Reconcile.DeadLetterContainerName} cannot be reached: the storage settings name no blob endpoint (BlobEndpoint in the connection string, BlobServiceUri or StorageAccountName).",
            nameof(VmEventOptions.DeadLetterContainerName));
        return new DeadLetterStore(blobs.GetBlobContainerClient(Options.Reconcile.DeadLetterContainerName), log);
    }

    /// <summary>The VMs in scope beside their onboarding records.</summary>
    public VmInventory Inventory(IHostLog log) => new(Arm(log), State(), Options, log);

    /// <summary>The compliance view.</summary>
    public OnboardingCompliance Compliance(IHostLog log) => new(Inventory(log), Options);

    /// <summary>The sweep: the inventory, the queues, the dead-letter container (reached only when the sweep replays).</summary>
    public OnboardingReconciler Reconciler(IHostLog log) => new(Inventory(log), Queues(log), () => DeadLetters(log), Options, log);

    /// <summary>What is known about one VM's onboarding, in time order; the runbook job is read when AutomationAccountId is set.</summary>
    public VmEventTrailReader Trail(SecretRedactor redactor, IHostLog log) =>
        new(State(), Queues(log), string.IsNullOrEmpty(Options.Automation.AutomationAccountId) ? null : Arm(log), Options, redactor, log);

    /// <summary>A competing consumer of the workflow's queues.</summary>
    public QueueWorker Worker(IHostLog log, Func<CancellationToken, Task<string?>>? dbPassword = null, Workflow.Checks.IScriptCheckHost? scripts = null) =>
        new(Processor(log, dbPassword, scripts), Queues(log), log);

    /// <summary>The dry run of the rules (Test-VmOnboardingRule); <paramref name="rulesOrigin"/> says where the Rules setting came from.</summary>
    public Workflow.RuleTester RuleTester(IHostLog log, Workflow.Checks.IScriptCheckHost? scripts = null, string? rulesOrigin = null)
    {
        var rules = Rules.RuleSet.From(Options, rulesOrigin);
        var secrets = new KnownSecrets(SecretRedactor.ForOptions(Options));
        var checks = new Workflow.Checks.CheckFactory(Options, log, _ => Task.FromResult(Options.Database.DbPassword), secrets, EngineHostRegistry.CheckServices, scripts);
        return new(rules, Arm(log), State(), checks, secrets);
    }

    /// <summary>The HTTP API (the Function app's and the dashboard's) over this engine's managers; texts pass <paramref name="redactor"/>.</summary>
    public ApiRouter Api(IHostLog log, SecretRedactor redactor, ApiSettings settings, Func<CancellationToken, Task<string?>>? dbPassword = null) =>
        new(new EngineApiBackend(this, redactor, log, dbPassword), settings, log);
}
