using VmEventOps.Engine.Api;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Hosting;

/// <summary>
/// The API over the engine's managers, from the composition root: queues, the state table, the trail reader and the
/// workflow's processor. Every text it hands on passes the configuration's redactor.
/// </summary>
public sealed class EngineApiBackend : IApiBackend
{
    private static readonly TimeSpan RequeueLease = TimeSpan.FromMinutes(2);
    private readonly VmEventEngine _engine;
    private readonly SecretRedactor _redactor;
    private readonly IHostLog _log;
    private readonly Func<CancellationToken, Task<string?>>? _dbPassword;

    /// <summary>The backend for one invocation's settings; <paramref name="dbPassword"/> as for <see cref="VmEventEngine.Processor"/>.</summary>
    public EngineApiBackend(VmEventEngine engine, SecretRedactor redactor, IHostLog log, Func<CancellationToken, Task<string?>>? dbPassword = null)
    {
        _engine = engine;
        _redactor = redactor;
        _log = log;
        _dbPassword = dbPassword;
    }

    private VmEventOptions Options => _engine.Options;

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueStatus>> QueueStatusAsync(QueueHealthThresholds thresholds, CancellationToken cancellationToken) =>
        _engine.Queues(_log).GetStatusAsync(thresholds, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<OnboardingState>> RecordsAsync(OnboardingStatus? state, CancellationToken cancellationToken) =>
        (await _engine.State().ListAsync(state, cancellationToken).ConfigureAwait(false)).Select(Redacted).ToArray();

    /// <inheritdoc />
    public async Task<OnboardingState?> RecordAsync(VmResourceId vm, CancellationToken cancellationToken) =>
        await _engine.State().GetAsync(vm, cancellationToken).ConfigureAwait(false) is { } record ? Redacted(record) : null;

    /// <inheritdoc />
    public Task<IReadOnlyList<VmEventTrailEntry>> TrailAsync(VmResourceId vm, CancellationToken cancellationToken)
    {
        var arm = string.IsNullOrEmpty(Options.Automation.AutomationAccountId) ? null : _engine.Arm(_log);
        return new VmEventTrailReader(_engine.State(), _engine.Queues(_log), arm, Options, _redactor, _log).GetAsync(vm, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<VmRunbookJob?> JobAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Options.Automation.AutomationAccountId)) return null;
        var job = await _engine.Arm(_log).GetRunbookJobAsync(Options.Automation.AutomationAccountId, jobId, includeStreams: true, cancellationToken).ConfigureAwait(false);
        return job with
        {
            Output = job.Output.Select(_redactor.Redact).ToArray(),
            Errors = job.Errors.Select(_redactor.Redact).ToArray(),
            Exception = job.Exception is null ? null : _redactor.Redact(job.Exception),
        };
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<VmEventMessage> Messages, int ApproximateCount)> PoisonAsync(CancellationToken cancellationToken)
    {
        var queues = _engine.Queues(_log);
        var count = queues.CountAsync(QueueKind.Poison, cancellationToken);
        var messages = await queues.PeekAsync(QueueKind.Poison, QueueManager.MaxBatch, EventFilter.ForViewing(Options.Onboarding.AllowedScopes), cancellationToken).ConfigureAwait(false);
        return (messages.Select(Redacted).ToArray(), await count.ConfigureAwait(false));
    }

    // Poison batches a re-queue looks through at most for the ids it was given (32 messages each).
    private const int MaxRequeueScanBatches = 10;

    // A message received only to look past it is made visible again at once; one that cannot be comes back when its
    // short lease ends, so a failure here is a warning, never the end of the re-queue.
    private async Task ReleaseAsync(QueueManager queues, VmEventMessage message)
    {
        try
        {
            await queues.RenewLeaseAsync(message, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        catch (VmEventOpsException e)
        {
            _log.Warning($"Poison message {message.MessageId} stays hidden until its lease ends: {e.ErrorId}.");
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RequeueResult>> RequeueAsync(IReadOnlyList<string> messageIds, bool force, CancellationToken cancellationToken)
    {
        var queues = _engine.Queues(_log);
        var wanted = new HashSet<string>(messageIds, StringComparer.Ordinal);
        var found = new Dictionary<string, VmEventMessage>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // A poison message moves only when received: receive until every id is found, the queue has nothing new, or a
        // bounded number of batches was looked at (an id that is gone must not hide the whole queue for the lease).
        for (var batches = 0; found.Count < wanted.Count && batches < MaxRequeueScanBatches; batches++)
        {
            var batch = await queues.ReceiveAsync(QueueKind.Poison, QueueManager.MaxBatch, RequeueLease, filter: null, cancellationToken).ConfigureAwait(false);
            var fresh = batch.Where(m => seen.Add(m.MessageId)).ToArray();
            if (fresh.Length == 0) break;
            foreach (var message in fresh)
            {
                if (wanted.Contains(message.MessageId)) found[message.MessageId] = message;
                else await ReleaseAsync(queues, message).ConfigureAwait(false);
            }
        }

        var results = new List<RequeueResult>();
        foreach (var id in messageIds)
        {
            if (!found.TryGetValue(id, out var message))
            {
                results.Add(new RequeueResult { MessageId = id, Found = false });
                continue;
            }

            results.Add(force ? await RunNowAsync(queues, message, cancellationToken).ConfigureAwait(false) : await MoveAsync(queues, message, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<VmComplianceRecord> Records, IReadOnlyList<VmScopeListing> Incomplete)> ComplianceAsync(CancellationToken cancellationToken)
    {
        var records = new List<VmComplianceRecord>();
        var result = await _engine.Compliance(_log).ReadAsync(record => { lock (records) records.Add(record with { Reason = _redactor.Redact(record.Reason) }); }, cancellationToken).ConfigureAwait(false);
        return (records, result.Listings.Where(l => !l.Complete).ToArray());
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<VmComplianceSummary> Rows, IReadOnlyList<VmScopeListing> Incomplete)> ComplianceSummaryAsync(CancellationToken cancellationToken)
    {
        var (rows, result) = await _engine.Compliance(_log).SummarizeAsync(cancellationToken).ConfigureAwait(false);
        return (rows, result.Listings.Where(l => !l.Complete).ToArray());
    }

    /// <inheritdoc />
    public async Task<VmEventResult> OnboardAsync(VmResourceId vm, bool force, CancellationToken cancellationToken)
    {
        var body = VmWriteEventFactory.Create(vm, "dashboard or HTTP API: onboard", "VmEventOps API", DateTimeOffset.UtcNow);
        var message = EventProcessor.Detached(body, QueueKind.Main, Options.Storage.QueueName);
        return await _engine.Processor(_log, _dbPassword).ProcessAsync(message, force, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RequeueResult> MoveAsync(QueueManager queues, VmEventMessage message, CancellationToken cancellationToken)
    {
        var id = await queues.RequeueAsync(message, QueueKind.Main, cancellationToken).ConfigureAwait(false);
        _log.Verbose($"Poison message {message.MessageId} re-queued to {Options.Storage.QueueName} as {id}.");
        return new RequeueResult { MessageId = message.MessageId, Found = true, NewMessageId = id, VmResourceId = message.Event?.VmResourceId };
    }

    private async Task<RequeueResult> RunNowAsync(QueueManager queues, VmEventMessage message, CancellationToken cancellationToken)
    {
        // With force: the original is onboarded now with -Force (the workflow writes its destination), then leaves poison.
        var resolved = await queues.ResolveAsync(message, filter: null, cancellationToken).ConfigureAwait(false);
        var detached = EventProcessor.Detached(resolved.Body, QueueKind.Main, Options.Storage.QueueName);
        var result = await _engine.Processor(_log, _dbPassword).ProcessAsync(detached, force: true, cancellationToken).ConfigureAwait(false);
        await queues.DeleteAsync(message, cancellationToken).ConfigureAwait(false);
        return new RequeueResult { MessageId = message.MessageId, Found = true, Result = result, VmResourceId = result.VmResourceId ?? message.Event?.VmResourceId };
    }

    private OnboardingState Redacted(OnboardingState record) => record with
    {
        LastError = record.LastError is null ? null : _redactor.Redact(record.LastError),
        History = record.History.Select(a => a with { Reason = a.Reason is null ? null : _redactor.Redact(a.Reason) }).ToArray(),
    };

    private VmEventMessage Redacted(VmEventMessage message) => message with
    {
        Reason = message.Reason is null ? null : _redactor.Redact(message.Reason),
        LastError = message.LastError is null ? null : _redactor.Redact(message.LastError),
        History = message.History.Select(h => h with { Error = h.Error is null ? null : _redactor.Redact(h.Error) }).ToArray(),
    };
}
