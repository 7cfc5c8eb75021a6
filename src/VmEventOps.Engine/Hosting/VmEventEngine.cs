using VmEventOps.Engine.Api;
using VmEventOps.Engine.Azure;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Diagnostics;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Workflow;

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

    /// <summary>The queues (and the large message store, when the settings say where the blob service is).</summary>
    public QueueManager Queues(IHostLog log)
    {
        var large = _host.BlobService is { } blobs ? new LargeMessageStore(blobs.GetBlobContainerClient(Options.LargeMessageContainerName), _host.CreatedContainers) : null;
        return new QueueManager(_host.QueueService, Options, log, TimeProvider.System, large, _host.CreatedQueues);
    }

    /// <summary>The onboarding state table.</summary>
    public OnboardingStateStore State() => new(_host.TableService.GetTableClient(Options.StateTableName));

    /// <summary>ARM, with this invocation's retry budget starting now (InvocationTimeout).</summary>
    public ArmGateway Arm(IHostLog log) => new(_host.ArmPipeline, Options, log, ArmRetryBudget.For(Options, DateTimeOffset.UtcNow));

    /// <summary>The workflow's processor. <paramref name="dbPassword"/> gives the database password per check (a Key Vault reference read again as its cache period passes); DbPassword by default.</summary>
    public EventProcessor Processor(IHostLog log, Func<CancellationToken, Task<string?>>? dbPassword = null) =>
        new(Options, Queues(log), State(), Arm(log), log, dbPassword);

    /// <summary>A competing consumer of the workflow's queues.</summary>
    public QueueWorker Worker(IHostLog log, Func<CancellationToken, Task<string?>>? dbPassword = null) =>
        new(Processor(log, dbPassword), Queues(log), log);

    /// <summary>The HTTP API (the Function app's and the dashboard's) over this engine's managers; texts pass <paramref name="redactor"/>.</summary>
    public ApiRouter Api(IHostLog log, SecretRedactor redactor, ApiSettings settings, Func<CancellationToken, Task<string?>>? dbPassword = null) =>
        new(new EngineApiBackend(this, redactor, log, dbPassword), settings, log);
}
