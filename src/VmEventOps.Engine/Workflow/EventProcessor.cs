using System.Diagnostics;
using System.Text.Json;
using VmEventOps.Engine.Azure;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;
using VmEventOps.Engine.Diagnostics;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// One message in, exactly one outcome out: parse and filter, onboarding state, VM and NIC lookup, database
/// check, runbook job (named from the VM's vmId, so a repeat finds it), state, then routing: succeeded, retry
/// after backoff, or poison. A received message leaves its queue only after its destination write succeeded;
/// a message the host already took (a Functions queue trigger) is only written to its destination.
/// </summary>
public sealed class EventProcessor
{
    private readonly VmEventOptions _options;
    private readonly QueueManager _queues;
    private readonly OnboardingStateStore _state;
    private readonly ArmGateway _arm;
    private readonly IHostLog _log;
    private readonly EventFilter _filter;
    private readonly RetrySchedule _retry;
    private readonly Func<CancellationToken, Task<string?>> _dbPassword;

    // Every secret value of the settings (and the database password as last read): what an error text carries into a
    // result, an envelope, the state record or a log has them masked, not only the patterns.
    private SecretRedactor _redactor;

    internal EventProcessor(VmEventOptions options, QueueManager queues, OnboardingStateStore state, ArmGateway arm, IHostLog log, Func<CancellationToken, Task<string?>>? dbPassword = null)
    {
        _options = options;
        _dbPassword = dbPassword ?? (_ => Task.FromResult(options.DbPassword));
        _redactor = SecretRedactor.ForOptions(options);
        _queues = queues;
        _state = state;
        _arm = arm;
        _log = log;
        _filter = new EventFilter(options.AllowedScopes);
        _retry = new RetrySchedule(options);
        if (string.IsNullOrEmpty(options.AutomationAccountId) || string.IsNullOrEmpty(options.RunbookName))
        {
            throw new VmEventOpsException(ErrorIds.RunbookNotConfigured, VmErrorCategory.InvalidArgument,
                "The workflow needs the runbook to start: set AutomationAccountId and RunbookName (VMEVENTOPS_AUTOMATIONACCOUNTID, VMEVENTOPS_RUNBOOKNAME).");
        }
    }

    /// <summary>
    /// The processor for these settings, on the process-wide clients. <paramref name="dbPassword"/> gives the database
    /// password per check (a Key Vault reference read again as its cache period passes); DbPassword by default.
    /// </summary>
    public static EventProcessor Create(VmEventOptions options, IHostLog log, Func<CancellationToken, Task<string?>>? dbPassword = null) =>
        new(options, QueueManager.Create(options, log), OnboardingStateStore.Create(options), ArmGateway.Create(options, log), log, dbPassword);

    /// <summary>Reads a message body (text, or the object a host decoded) as a message the host already took from <paramref name="queue"/>.</summary>
    public static VmEventMessage Detached(string body, QueueKind queue, string queueName) =>
        MessageReader.Read(new VmEventMessage { MessageId = "(host)", Queue = queue, QueueName = queueName, Body = string.Empty }, body, filter: null);

    /// <summary>Processes one message to its one outcome.</summary>
    public Task<VmEventResult> ProcessAsync(VmEventMessage message, bool force, CancellationToken cancellationToken) =>
        ProcessAsync(message, force, settle: null, cancellationToken);

    /// <summary>
    /// Processes one message; <paramref name="settle"/>, when given, is called before the message is deleted or moved:
    /// it stops lease renewal and returns the message with its latest pop receipt. No ARM wait runs past
    /// <paramref name="deadline"/> (a worker's run), nor past MessageLease from now (the claim a live worker holds), nor past
    /// the invocation's InvocationTimeout: a longer one defers the message, no attempt used up.
    /// </summary>
    internal async Task<VmEventResult> ProcessAsync(
        VmEventMessage message, bool force, Func<Task<VmEventMessage>>? settle, CancellationToken cancellationToken, CancellationToken deferral = default, DateTimeOffset? deadline = null)
    {
        try
        {
            return await ProcessCoreAsync(message, force, settle, cancellationToken, deferral, deadline).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnprocessable(e, cancellationToken))
        {
            // Something about this message that no step foresaw (it is never transient: storage away is, and leaves the
            // message where it is). It must not come back and stop its consumer again: poison, with the reason.
            var settled = settle is null ? message : await settle().ConfigureAwait(false);
            var error = e as VmEventOpsException;
            var reason = InputText.Clean($"Unprocessable: {error?.ErrorId ?? ErrorIds.Unexpected}: {_redactor.Redact(error?.Message ?? $"{e.GetType().Name}: {e.Message}")}", MessageEnvelope.MaxErrorLength);
            _log.Warning($"Message {message.MessageId} in {message.QueueName} could not be processed and goes to poison: {reason}");
            var current = EnvelopeOf(message);
            var envelope = (current with { Attempt = current.Attempt + 1, Reason = reason, TraceParent = null }).WithHistory(DateTimeOffset.UtcNow, "Process", reason);
            await DeadLetterAsync(settled, envelope, cancellationToken).ConfigureAwait(false);
            return new VmEventResult
            {
                Outcome = VmEventOutcome.DeadLettered, Reason = reason, EventId = message.Event?.EventId, VmResourceId = message.Event?.VmResourceId,
                VmName = message.Event?.VmName, Attempt = envelope.Attempt, DequeueCount = message.DequeueCount,
            };
        }
    }

    // The envelope a message travels on in: what it says of earlier attempts (clamped to MaxAttempts), its history and
    // trace, and its original inline or as a claim check.
    private MessageEnvelope EnvelopeOf(VmEventMessage message) => new()
    {
        Attempt = Math.Clamp(message.Attempt, 0, _options.MaxAttempts),
        FirstSeen = message.FirstSeen ?? message.InsertedOn ?? DateTimeOffset.UtcNow,
        Original = message.OriginalBlob is null ? message.Body : string.Empty,
        OriginalBlob = message.OriginalBlob,
        History = message.History,
        TraceParent = message.TraceParent,
    };

    // Only a failure no step foresaw is the message's (a bug its bytes found): an error with an id of its own (storage,
    // identity, settings) is the environment's, and a transient one (a service away, a timeout) leaves the message for
    // redelivery, as does a stop.
    private static bool IsUnprocessable(Exception e, CancellationToken cancellationToken) => e switch
    {
        _ when cancellationToken.IsCancellationRequested => false,
        OperationCanceledException or TimeoutException or HttpRequestException or IOException => false,
        VmEventOpsException known => known.ErrorId == ErrorIds.Unexpected && !known.IsTransient,
        _ => AzureFailure.AsRequestFailure(e) is null,
    };

    private async Task<VmEventResult> ProcessCoreAsync(
        VmEventMessage message, bool force, Func<Task<VmEventMessage>>? settle, CancellationToken cancellationToken, CancellationToken deferral, DateTimeOffset? deadline)
    {
        var leaseEnds = DateTimeOffset.UtcNow + _options.MessageLease;
        var arm = _arm.Within(deadline is { } end && end < leaseEnds ? end : leaseEnds);
        async Task<VmEventMessage> Settled() => settle is null ? message : await settle().ConfigureAwait(false);

        // A claim check: the original is in the large message store (a message the host took holds only the pointer).
        if (message.OriginalBlob is not null && message.Events.Count == 0 && message.ParseFailures.Count == 0)
        {
            var resolved = await _queues.ResolveAsync(message, filter: null, cancellationToken).ConfigureAwait(false);
            message = resolved with { PopReceipt = message.PopReceipt };
        }

        var stages = new Dictionary<string, long>();
        // What a body says of earlier attempts is clamped here; once the VM is known, its onboarding state decides.
        var attempt = Math.Clamp(message.Attempt, 0, _options.MaxAttempts) + 1;
        var envelope = EnvelopeOf(message);

        // One activity per message in the trace of the event's earlier attempts, a child per stage; the next attempt continues it.
        using var telemetry = new MessageTelemetry(envelope.TraceParent, message.Queue, attempt, message.HostTraceParent);
        var stage = telemetry.Stage;
        if (telemetry.Activity is { } activity) envelope = envelope with { TraceParent = activity.Id };

        stage.Start("Parse");
        var vmEvent = message.Event is null ? null : _filter.Apply(message.Event);
        var result = new VmEventResult { Outcome = VmEventOutcome.Ignored, EventId = vmEvent?.EventId, VmResourceId = vmEvent?.VmResourceId, VmName = vmEvent?.VmName, Attempt = attempt, DequeueCount = message.DequeueCount };
        telemetry.Describe(vmEvent);

        VmEventResult Done(VmEventResult r)
        {
            telemetry.Complete(r.Outcome, r.Reason, r.Attempt);
            return r with { Stages = stages, ElapsedMs = (long)telemetry.Elapsed.TotalMilliseconds };
        }

        // Parse and filter: what is not an event goes to poison at once; what is not ours is dropped with its reason.
        if (vmEvent is null)
        {
            var reason = message.ParseFailures.FirstOrDefault() ?? RejectReasons.Malformed("NoEvent");
            await DeadLetterAsync(await Settled().ConfigureAwait(false), (envelope with { Attempt = attempt, Reason = reason }).WithHistory(DateTimeOffset.UtcNow, "Parse", reason), cancellationToken).ConfigureAwait(false);
            return Done(result with { Outcome = VmEventOutcome.DeadLettered, Reason = reason });
        }

        if (message.Events.Count > 1 || message.ParseFailures.Count > 0)
        {
            // A batch (Event Grid writes one event per message; other producers may not).
            var split = await SplitBatchAsync(message, cancellationToken).ConfigureAwait(false);
            if (split.DeadLetterReason is { } batchReason)
            {
                await DeadLetterAsync(await Settled().ConfigureAwait(false), (envelope with { Attempt = attempt, Reason = batchReason }).WithHistory(DateTimeOffset.UtcNow, "Parse", batchReason), cancellationToken).ConfigureAwait(false);
                return Done(result with { Outcome = VmEventOutcome.DeadLettered, Reason = batchReason });
            }

            await CompleteAsync(await Settled().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return Done(result with { Reason = split.Summary });
        }

        if (!vmEvent.Accepted)
        {
            await CompleteAsync(await Settled().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return Done(result with { Reason = vmEvent.RejectReason });
        }

        var vm = vmEvent.ParsedVmId!;
        var step = "State";
        stage.Start(step);
        var watch = Stopwatch.StartNew();
        try
        {
            var state = await _state.GetAsync(vm, cancellationToken).ConfigureAwait(false);
            stages[step] = watch.ElapsedMilliseconds;
            // The attempts an onboarding in progress has used are counted in its state record, which a queue writer
            // cannot forge: whatever a body claims (fewer, to buy attempts; more, to push a VM to poison), the record decides.
            if (state is { State: OnboardingStatus.Failed or OnboardingStatus.InProgress })
            {
                attempt = Math.Clamp(state.Attempts, 0, _options.MaxAttempts) + 1;
                result = result with { Attempt = attempt };
            }

            if (!force && IsClaimedElsewhere(state))
            {
                // Another worker is onboarding this VM right now (a duplicate event): its message carries the work.
                await CompleteAsync(await Settled().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                return Done(result with { Outcome = VmEventOutcome.AlreadyOnboarded, Reason = InProgressElsewhere });
            }

            step = "VmLookup";
            stage.Start(step);
            watch.Restart();
            VmNetworkInfo info;
            try
            {
                info = await arm.GetVmNetworkInfoAsync(vm, cancellationToken).ConfigureAwait(false);
            }
            catch (VmEventOpsException e) when (e.ErrorId is ErrorIds.VmNotFound or ErrorIds.VmDeleting)
            {
                // Gone, or going: nothing to onboard.
                await CompleteAsync(await Settled().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                return Done(result with { Reason = e.ErrorId });
            }

            stages[step] = watch.ElapsedMilliseconds;
            result = result with { PrivateIpAddress = info.PrivateIpAddress };

            // The same VM (same vmId) onboarded already: an update event. A VM created again under its name has a new vmId.
            if (!force && state is { State: OnboardingStatus.Succeeded } && state.VmId == info.VmId)
            {
                await CompleteAsync(await Settled().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                return Done(result with { Outcome = VmEventOutcome.AlreadyOnboarded, JobId = state.JobId, Reason = $"Onboarded {state.UpdatedOn:u}" });
            }

            // Claim the VM (ETag concurrency): of two workers racing on one VM, one claims it and starts the job.
            var claimed = await _state.TryWriteAsync(vm, new OnboardingState
            {
                VmResourceId = vm.Value, VmId = info.VmId, State = OnboardingStatus.InProgress, Attempts = attempt, FirstSeen = state?.FirstSeen ?? envelope.FirstSeen,
                TraceId = telemetry.TraceId,
            }, state, cancellationToken).ConfigureAwait(false);
            // No record of this VM before our claim: no earlier attempt can have started its job, so the job's
            // idempotency GET is not needed (a 409 from the PUT would still be adopted).
            var firstClaim = state is null && claimed is not null;
            if (claimed is null)
            {
                var winner = await _state.GetAsync(vm, cancellationToken).ConfigureAwait(false);
                if (!force && (IsClaimedElsewhere(winner) || (winner is { State: OnboardingStatus.Succeeded } && winner.VmId == info.VmId)))
                {
                    await CompleteAsync(await Settled().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    return Done(result with { Outcome = VmEventOutcome.AlreadyOnboarded, JobId = winner!.JobId, Reason = winner.State == OnboardingStatus.Succeeded ? $"Onboarded {winner.UpdatedOn:u}" : InProgressElsewhere });
                }

                claimed = winner;
            }

            if (!string.IsNullOrEmpty(_options.DbServer))
            {
                step = "DatabaseCheck";
                stage.Start(step);
                watch.Restart();
                var password = await _dbPassword(cancellationToken).ConfigureAwait(false);
                KnowSecret(password);
                var check = await DbConnectionChecker.CheckAsync(new DbCheckRequest
                {
                    Provider = _options.DbProvider,
                    Server = DbConnectionChecker.ResolveServer(_options.DbServer, info),
                    Port = _options.DbPort,
                    Database = _options.DbName,
                    UserName = _options.DbUser,
                    Password = password is null ? null : new System.Net.NetworkCredential(string.Empty, password).SecurePassword,
                    Encryption = _options.DbEncryption,
                    TrustServerCertificate = _options.DbTrustServerCertificate,
                    HostNameInCertificate = _options.DbHostNameInCertificate,
                }, _options, _log, cancellationToken).ConfigureAwait(false);
                stages[step] = watch.ElapsedMilliseconds;
                result = result with { DbCheck = check.Success ? $"OK ({check.Provider}, {check.ElapsedMs} ms)" : $"{check.FailedStage} {check.ErrorCategory}" };
                if (check.ErrorCategory == DbErrorCategory.TlsFailure)
                {
                    // Encryption and certificates are settings to fix (the message names them): no later attempt can differ.
                    throw new VmEventOpsException(ErrorIds.DbNotConfigured, VmErrorCategory.InvalidArgument,
                        $"Database check of {check.Server} failed at {check.FailedStage}: {check.ErrorCategory} ({check.TlsProblem}): {check.Message}", vm.Value);
                }

                if (!check.Success)
                {
                    // The database of a new VM may come up later: worth another attempt until attempts run out.
                    throw new VmEventOpsException(ErrorIds.DbCheckFailed, VmErrorCategory.ConnectionError,
                        $"Database check of {check.Server} failed at {check.FailedStage}: {check.ErrorCategory}: {check.Message}", vm.Value) { IsTransient = true };
                }
            }

            step = "Runbook";
            stage.Start(step);
            watch.Restart();
            var jobId = RunbookJobNames.ForVm(info.VmId, _options.RunbookName!);
            var parameters = new Dictionary<string, object?>
            {
                ["VmName"] = info.VmName,
                ["VmResourceId"] = info.VmResourceId,
                ["PrivateIpAddress"] = info.PrivateIpAddress,
                ["CorrelationId"] = vmEvent.CorrelationId,   // an identifier or null: never the writer's free text
            };
            // The runbook's own logs can be joined with this event's trace (every attempt shares the trace id).
            if (telemetry.TraceId is { } traceId) parameters["TraceId"] = traceId;
            var job = await arm.StartRunbookAsync(new RunbookJobRequest
            {
                AutomationAccountId = _options.AutomationAccountId!,
                RunbookName = _options.RunbookName!,
                RunOn = _options.HybridWorkerGroup,
                JobId = jobId,
                KnownNew = firstClaim && !force,
                Parameters = parameters,
            }, cancellationToken, deferral).ConfigureAwait(false);
            stages[step] = watch.ElapsedMilliseconds;

            step = "Route";
            stage.Start(step);
            watch.Restart();
            await _state.TryWriteAsync(vm, new OnboardingState
            {
                VmResourceId = vm.Value, VmId = info.VmId, State = OnboardingStatus.Succeeded, Attempts = attempt, JobId = job.JobId, FirstSeen = claimed?.FirstSeen,
                History = OnboardingState.Append(claimed?.History, new OnboardingAttempt(DateTimeOffset.UtcNow, attempt, nameof(VmEventOutcome.Succeeded), job.AlreadyExisted ? "JobAlreadyStarted" : "JobStarted")),
            }, claimed, cancellationToken).ConfigureAwait(false);
            var summary = JsonSerializer.Serialize(new { outcome = "Succeeded", vmId = info.VmId, jobId = job.JobId, job.AlreadyExisted, info.PrivateIpAddress, at = DateTimeOffset.UtcNow });
            await _queues.RouteEnvelopeAsync(await Settled().ConfigureAwait(false), QueueKind.Succeeded, (envelope with { Attempt = attempt, Reason = "Succeeded", Result = summary })
                .WithHistory(DateTimeOffset.UtcNow, "Runbook", null), delay: null, cancellationToken).ConfigureAwait(false);
            stages[step] = watch.ElapsedMilliseconds;
            return Done(result with { Outcome = VmEventOutcome.Succeeded, JobId = job.JobId, Reason = job.AlreadyExisted ? "JobAlreadyStarted" : "JobStarted" });
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A network timeout or a dropped connection that reached here unwrapped is transient too.
            var error = e is VmEventOpsException known ? known : new VmEventOpsException(ErrorIds.Unexpected, VmErrorCategory.NotSpecified, e.Message, vm.Value, e)
            {
                IsTransient = e is OperationCanceledException or TimeoutException or HttpRequestException or IOException || AzureFailure.AsRequestFailure(e) is not null,
            };
            var text = InputText.Clean($"{step}: {error.ErrorId}: {_redactor.Redact(error.Message)}", MessageEnvelope.MaxErrorLength)!;
            // The attempt ended now, before its message moves: the record and the envelope share this time.
            var ended = DateTimeOffset.UtcNow;
            stage.Fail(error.ErrorId);
            stage.Start("Route");
            if (error.ErrorId == ErrorIds.ArmThrottled)
            {
                // Throttling is not a failure of the event: no attempt is used up, however long a burst lasts. The message
                // waits in the retry queue for the quota window the service named (plus jitter, so that deferred
                // messages do not return together) and comes back as the same attempt. The same for any ARM request
                // whose Retry-After was longer than the request could wait (ArmMaxRetryWait, the time left).
                var wait = RetrySchedule.ThrottledDelay(error.RetryAfter);
                VmEventTelemetry.ThrottleDeferrals.Add(1);
                var deferred = (envelope with { Attempt = attempt - 1, Reason = Throttled }).WithHistory(ended, Throttled, text);
                await _queues.RouteEnvelopeAsync(await Settled().ConfigureAwait(false), QueueKind.Retry, deferred, wait, cancellationToken).ConfigureAwait(false);
                var due = ended + wait;
                await RecordAsync(vm, OnboardingStatus.Failed, new OnboardingAttempt(ended, attempt - 1, nameof(VmEventOutcome.RetryScheduled), text), due, cancellationToken).ConfigureAwait(false);
                return Done(result with { Outcome = VmEventOutcome.RetryScheduled, Reason = Throttled, Attempt = attempt - 1, NextAttemptOn = due });
            }

            var next = envelope with { Attempt = attempt, Reason = text };
            next = next.WithHistory(ended, step, text);
            if (error.IsTransient && _retry.CanRetry(attempt))
            {
                var delay = _retry.DelayAfter(attempt);
                await _queues.RouteEnvelopeAsync(await Settled().ConfigureAwait(false), QueueKind.Retry, next, delay, cancellationToken).ConfigureAwait(false);
                var due = ended + delay;
                await RecordAsync(vm, OnboardingStatus.Failed, new OnboardingAttempt(ended, attempt, nameof(VmEventOutcome.RetryScheduled), text), due, cancellationToken).ConfigureAwait(false);
                return Done(result with { Outcome = VmEventOutcome.RetryScheduled, Reason = text, NextAttemptOn = due });
            }

            await DeadLetterAsync(await Settled().ConfigureAwait(false), next, cancellationToken).ConfigureAwait(false);
            await RecordAsync(vm, OnboardingStatus.DeadLettered, new OnboardingAttempt(ended, attempt, nameof(VmEventOutcome.DeadLettered), text), null, cancellationToken).ConfigureAwait(false);
            return Done(result with { Outcome = VmEventOutcome.DeadLettered, Reason = text });
        }
    }

    /// <summary>Events of one batch message re-queued at most; a larger batch goes to poison whole, none re-queued.</summary>
    public const int MaxBatchEvents = 100;

    /// <summary>The reason of a batch with more events of ours than <see cref="MaxBatchEvents"/>.</summary>
    public const string BatchTooLarge = "BatchTooLarge";

    // Each event of a batch that can be ours (a VM write in scope; one per VM) becomes a message of its own, sent before
    // the batch is completed, so none is lost and each gets its outcome; events that are not ours are counted, not
    // re-queued. A batch with parts that are not events goes to poison whole, with their reasons, after its events were
    // re-queued. More events of ours than MaxBatchEvents: nothing is re-queued, the batch goes to poison.
    private async Task<(string? DeadLetterReason, string Summary)> SplitBatchAsync(VmEventMessage message, CancellationToken cancellationToken)
    {
        var events = message.Events.Select(_filter.Apply).ToArray();
        var ours = events.Where(e => e.Accepted).DistinctBy(e => e.ParsedVmId!.Key).ToArray();
        var notOurs = events.Where(e => !e.Accepted).GroupBy(e => e.RejectReason).Select(g => $"{g.Count()} {g.Key}").ToArray();
        if (ours.Length > MaxBatchEvents)
        {
            return ($"{BatchTooLarge}:{ours.Length} (at most {MaxBatchEvents} events of ours in one message; none re-queued)", BatchTooLarge);
        }

        foreach (var each in ours) await _queues.SendEventAsync(each.Raw, cancellationToken).ConfigureAwait(false);
        var summary = $"SplitBatch:{ours.Length}" + (notOurs.Length == 0 ? string.Empty : $" (not ours: {string.Join(", ", notOurs)})");
        if (message.ParseFailures.Count == 0) return (null, summary);
        var failures = string.Join("; ", message.ParseFailures.Take(10)) + (message.ParseFailures.Count > 10 ? $"; {message.ParseFailures.Count - 10} more" : string.Empty);
        return ($"{failures}; {summary}", summary);
    }

    // A password read again (rotated in Key Vault) is masked from then on; the redactor is replaced whole, never edited.
    private void KnowSecret(string? secret)
    {
        if (secret is not { Length: >= 4 } || _redactor.Redact(secret) != secret) return;
        _redactor = _redactor.With([secret]);
    }

    private const string InProgressElsewhere = "InProgressElsewhere";
    private const string Throttled = "Throttled";

    // A claim younger than a message lease belongs to a live worker; an older one to a worker that died (its message
    // came back when the lease ran out), and is taken over.
    private bool IsClaimedElsewhere(OnboardingState? state) =>
        state is { State: OnboardingStatus.InProgress, UpdatedOn: { } updated } && DateTimeOffset.UtcNow - updated < _options.MessageLease;

    private async Task RecordAsync(VmResourceId vm, OnboardingStatus status, OnboardingAttempt ended, DateTimeOffset? nextAttemptOn, CancellationToken cancellationToken)
    {
        try
        {
            var current = await _state.GetAsync(vm, cancellationToken).ConfigureAwait(false);
            if (current?.State == OnboardingStatus.Succeeded) return; // another worker finished it meanwhile
            await _state.TryWriteAsync(vm, new OnboardingState
            {
                VmResourceId = vm.Value, VmId = current?.VmId, State = status, Attempts = ended.Attempt, LastError = ended.Reason, JobId = current?.JobId,
                NextAttemptOn = nextAttemptOn, History = OnboardingState.Append(current?.History, ended),
            }, current, cancellationToken).ConfigureAwait(false);
        }
        catch (VmEventOpsException e)
        {
            // The message is routed already; the state is bookkeeping.
            _log.Warning($"The onboarding state of {vm.Name} could not be written: {e.Message}");
        }
    }

    private Task DeadLetterAsync(VmEventMessage message, MessageEnvelope envelope, CancellationToken cancellationToken) =>
        _queues.DeadLetterAsync(message, envelope, cancellationToken);

    private Task CompleteAsync(VmEventMessage message, CancellationToken cancellationToken) =>
        message.PopReceipt is null ? Task.CompletedTask : _queues.DeleteAsync(message, cancellationToken);
}
