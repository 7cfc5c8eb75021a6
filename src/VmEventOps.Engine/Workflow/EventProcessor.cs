using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow.Actions;
using VmEventOps.Engine.Workflow.Checks;
using VmEventOps.Engine.Workflow.Steps;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// One message in, exactly one outcome out. The message is read once into a work item and triaged (not an event: poison;
/// a batch: split; not ours: dropped with its reason); an event to onboard is then a loop of the decider choosing the next
/// step (state, VM lookup, claim, checks, action) until it decides the outcome, which the router carries out.
/// </summary>
public sealed class EventProcessor
{
    /// <summary>Events of one batch message re-queued at most; a larger batch goes to poison whole, none re-queued.</summary>
    public const int MaxBatchEvents = BatchPlan.MaxEvents;

    /// <summary>The reason of a batch with more events of ours than <see cref="MaxBatchEvents"/>.</summary>
    public const string BatchTooLarge = ReasonCodes.BatchTooLarge;

    private readonly VmEventOptions _options;
    private readonly QueueManager _queues;
    private readonly ArmGateway _arm;
    private readonly IHostLog _log;
    private readonly EventFilter _filter;
    private readonly OnboardingDecider _decider;
    private readonly OutcomeRouter _router;
    private readonly TimeProvider _time;
    private readonly Dictionary<WorkflowStep, IWorkflowStep> _steps;

    internal EventProcessor(
        VmEventOptions options, QueueManager queues, OnboardingStateStore state, ArmGateway arm, IHostLog log, CheckServices services,
        Func<CancellationToken, Task<string?>>? dbPassword = null, IReadOnlyList<IVmCheck>? checks = null, IOnboardingAction? action = null, TimeProvider? time = null,
        IScriptCheckHost? scripts = null)
    {
        // The scope first: without one the workflow refuses whatever else is set (ScopeNotConfigured).
        _filter = new EventFilter(options.Onboarding.AllowedScopes);
        // A rule that is not valid could onboard what it should skip: no event is onboarded until it is fixed. Each waits in
        // the retry queue meanwhile (no attempt used): a throw here would fail every invocation, and a host then poisons
        // the messages raw.
        Rules = RuleSet.From(options);
        if (Rules.Errors.Count > 0)
        {
            var first = Rules.Errors[0];
            RulesFailure = new Failure(first.ErrorId, VmErrorCategory.InvalidArgument, false, null,
                $"{Rules.Errors.Count} onboarding rule(s) are not valid ({first.Origin}), so the event waits for the fix: {first.Message} Get-VmOnboardingRule lists every error.");
        }

        if (!Rules.Configured && (string.IsNullOrEmpty(options.Automation.AutomationAccountId) || string.IsNullOrEmpty(options.Automation.RunbookName)))
        {
            throw new VmEventOpsException(ErrorIds.RunbookNotConfigured, VmErrorCategory.InvalidArgument,
                "The workflow needs the runbook to start: set AutomationAccountId and RunbookName (VMEVENTOPS_AUTOMATIONACCOUNTID, VMEVENTOPS_RUNBOOKNAME).");
        }

        _options = options;
        _queues = queues;
        _arm = arm;
        _log = log;
        _time = time ?? TimeProvider.System;
        // Every secret value of the settings (and the database password as last read) is masked in every reason.
        var secrets = new KnownSecrets(SecretRedactor.ForOptions(options));
        var factory = new CheckFactory(options, log, dbPassword ?? (_ => Task.FromResult(options.Database.DbPassword)), secrets, services, scripts);
        // Built once per processor (a worker's many messages share them); checks a test passes stand for every rule's.
        var checksOfRule = Rules.Rules.ToDictionary(r => r.Name, r => checks ?? factory.For(r), StringComparer.OrdinalIgnoreCase);
        _decider = new OnboardingDecider(new RetrySchedule(options.Retry), options.Retry.MessageLease);
        _router = new OutcomeRouter(queues, state, secrets, log, _time);
        _steps = new()
        {
            [WorkflowStep.ClaimFirst] = new ClaimFirstStep(state),
            [WorkflowStep.ReadState] = new ReadStateStep(state),
            [WorkflowStep.LookupVm] = new LookupVmStep(),
            [WorkflowStep.Claim] = new ClaimStep(state, _decider),
            [WorkflowStep.RunChecks] = new RunChecksStep(rule => checksOfRule[rule.Name]),
            [WorkflowStep.RunAction] = new RunActionStep(action),
            [WorkflowStep.MatchRule] = new MatchRuleStep(Rules),
        };
    }

    /// <summary>The effective rules this processor applies.</summary>
    public RuleSet Rules { get; }

    /// <summary>Why no event is onboarded: the first error of <see cref="Rules"/>; null when every rule is valid.</summary>
    public Failure? RulesFailure { get; }

    /// <summary>Reads a message body (text, or the object a host decoded) as a message the host already took from <paramref name="queue"/>.</summary>
    public static VmEventMessage Detached(string body, QueueKind queue, string queueName) =>
        MessageReader.Read(new VmEventMessage { MessageId = VmEventMessage.HostMessageId, Queue = queue, QueueName = queueName, Body = string.Empty }, body, filter: null);

    /// <summary>Processes one message to its one outcome.</summary>
    public Task<VmEventResult> ProcessAsync(VmEventMessage message, bool force, CancellationToken cancellationToken) =>
        ProcessAsync(message, force, MessageLease.Held, cancellationToken);

    /// <summary>
    /// Processes one message held under <paramref name="lease"/>. No ARM wait runs past the lease's deadline (a worker's
    /// run), nor past MessageLease from now (the claim a live worker holds), nor past the invocation's InvocationTimeout:
    /// a longer one defers the message, no attempt used up. Whatever no step foresaw sends the message to poison, so it
    /// cannot stop its consumer again; storage away leaves it where it is.
    /// </summary>
    internal async Task<VmEventResult> ProcessAsync(VmEventMessage message, bool force, MessageLease lease, CancellationToken cancellationToken)
    {
        var item = WorkItem.Of(message, force, lease, _options.Retry.MaxAttempts, _time.GetUtcNow());
        try
        {
            return await ProcessCoreAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (item.Routed.Outcome is { } routed && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            // The message is at its destination already: what failed after that is told, never a second routing of it.
            var text = _router.Text(new Reason(FailureClassifier.Classify(e).Message));
            _log.Warning($"Message {item.Message.MessageId} in {item.Message.QueueName} was routed ({routed}); what failed after that: {text}");
            return ResultOf(item, item.Message.Event) with { Outcome = routed, Reason = text };
        }
        catch (Exception e) when (FailureClassifier.IsUnforeseen(e, cancellationToken.IsCancellationRequested))
        {
            return await UnprocessableAsync(item, e, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<VmEventResult> ProcessCoreAsync(WorkItem item, CancellationToken cancellationToken)
    {
        item = await ResolveClaimCheckAsync(item, cancellationToken).ConfigureAwait(false);
        // One activity per message in the trace of the event's earlier attempts, a child per stage; the next attempt continues it.
        using var telemetry = new MessageTelemetry(item.Envelope.TraceParent, item.Message.Queue, item.Attempt, item.Message.HostTraceParent);
        var envelope = telemetry.Activity is { } activity ? item.Envelope with { TraceParent = activity.Id } : item.Envelope;
        var stages = new StageTimer(telemetry.Stage);
        stages.Begin("Parse");
        var vmEvent = item.Message.Event is null ? null : _filter.Apply(item.Message.Event);
        telemetry.Describe(vmEvent);
        var triage = MessageTriage.Of(item.Message, vmEvent);
        // Delivered too often (each time its consumer stopped, or its split failed): poison, whatever it holds. The count is
        // the queue service's (or the host's), which no writer of the queue can set.
        if (item.Message.DequeueCount > _options.Retry.MaxDequeueCount)
        {
            triage = new MessageTriage(TriageKind.Malformed, Reason.WithDetail(ReasonCodes.DequeueLimit, $"delivered {item.Message.DequeueCount} times, more than MaxDequeueCount {_options.Retry.MaxDequeueCount}"));
        }

        // No rule offboards: a delete needs nothing, as before rules existed (no state read, no ARM call).
        if (triage.Kind == TriageKind.Onboard && vmEvent!.Kind == VmEventKind.Deleted && !Rules.Offboards) triage = new MessageTriage(TriageKind.NotOurs, Reason.OfReject(RejectReasons.NotVmWrite));
        var (result, reason) = triage.Kind == TriageKind.Onboard
            ? await OnboardAsync(item, envelope, vmEvent!, telemetry.TraceId, stages, cancellationToken).ConfigureAwait(false)
            : await TriageAsync(item, envelope, vmEvent, triage, cancellationToken).ConfigureAwait(false);
        telemetry.Complete(result.Outcome, reason, result.Attempt);
        return result with { Reason = _router.Text(reason), Stages = stages.Times, ElapsedMs = (long)telemetry.Elapsed.TotalMilliseconds };
    }

    // A claim check: the original is in the large message store (a message the host took holds only the pointer).
    private async Task<WorkItem> ResolveClaimCheckAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var message = item.Message;
        if (message.OriginalBlob is null || message.Events.Count > 0 || message.ParseFailures.Count > 0) return item;
        var resolved = await _queues.ResolveAsync(message, filter: null, cancellationToken).ConfigureAwait(false);
        return WorkItem.Of(resolved with { PopReceipt = message.PopReceipt }, item.Force, item.Lease, _options.Retry.MaxAttempts, _time.GetUtcNow()) with { Routed = item.Routed };
    }

    // What is not an event goes to poison at once; a batch is split; what is not ours is dropped with its reason.
    private async Task<(VmEventResult, Reason)> TriageAsync(WorkItem item, MessageEnvelope envelope, VmEvent? vmEvent, MessageTriage triage, CancellationToken cancellationToken)
    {
        var result = ResultOf(item, vmEvent);
        if (triage.Kind == TriageKind.Batch)
        {
            var plan = BatchPlan.Of(item.Message.Events.Select(_filter.Apply).ToArray(), item.Message.ParseFailures);
            // Sent before the batch is completed or moved: none is lost. An item the queue refuses for good (a 400, too large)
            // keeps the batch: it goes to poison with the reason, never back to redelivery (which would split it again).
            var refused = new List<string>();
            foreach (var each in plan.ToSend)
            {
                try
                {
                    await _queues.SendEventAsync(each.Raw, cancellationToken).ConfigureAwait(false);
                }
                catch (VmEventOpsException e) when (!e.IsTransient)
                {
                    refused.Add(e.ErrorId);
                }
            }

            triage = refused.Count > 0
                ? new MessageTriage(TriageKind.Malformed, Reason.WithDetail(ReasonCodes.NotRequeued,
                    $"{refused.Count} of {plan.ToSend.Count} ({string.Join(", ", refused.Distinct())}); {(plan.DeadLetter ?? plan.Summary).Render()}"))
                : plan.DeadLetter is { } failed ? new MessageTriage(TriageKind.Malformed, failed) : new MessageTriage(TriageKind.NotOurs, plan.Summary);
        }

        if (triage.Kind == TriageKind.Malformed)
        {
            await _router.DeadLetterAsync(item, envelope with { Attempt = item.Attempt }, "Parse", triage.Reason!, cancellationToken).ConfigureAwait(false);
            return (result with { Outcome = VmEventOutcome.DeadLettered }, triage.Reason!);
        }

        await _router.CompleteAsync(item, cancellationToken).ConfigureAwait(false);
        return (result, triage.Reason!);
    }

    // The decider chooses each next step from what is known, until it decides the outcome; the router carries it out. A
    // failure to route a decision is a failure of the attempt like any other (decided once more, then left to redelivery).
    private async Task<(VmEventResult, Reason)> OnboardAsync(WorkItem item, MessageEnvelope envelope, VmEvent vmEvent, string? traceId, StageTimer stages, CancellationToken cancellationToken)
    {
        if (RulesFailure is { } rules) return await WaitForTheRulesAsync(item, envelope, vmEvent, rules, stages, cancellationToken).ConfigureAwait(false);
        var leaseEnds = _time.GetUtcNow() + _options.Retry.MessageLease;
        var deadline = item.Lease.Deadline is { } end && end < leaseEnds ? end : leaseEnds;
        var context = new AttemptContext(_arm.Within(deadline), stages, traceId, envelope.FirstSeen, item.Lease.Deferral);
        var facts = new OnboardingFacts { Event = vmEvent, Attempt = item.Attempt, Force = item.Force, Claimant = item.Claimant };
        await using var ahead = new VmLookupAhead(cancellationToken);
        while (true)
        {
            var next = _decider.Decide(facts, _time.GetUtcNow());
            if (next.Step is { } step)
            {
                // The VM GET does not depend on the record: it runs beside the first claim, for the decider to take when it asks.
                if (step == WorkflowStep.ClaimFirst) ahead.Start(() => RunStepAsync(WorkflowStep.LookupVm, facts, context, ahead.Token, beside: true));
                facts = step == WorkflowStep.LookupVm && ahead.Started
                    ? VmLookupAhead.Merge(facts, await ahead.TakeAsync().ConfigureAwait(false))
                    : await RunStepAsync(step, facts, context, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var decision = next.Decision!;
            try
            {
                var due = await stages.RunAsync("Route", () => _router.CarryOutAsync(item, envelope, facts, decision, cancellationToken)).ConfigureAwait(false);
                return (ResultOf(item, vmEvent, facts, decision, due), decision.Reason);
            }
            catch (Exception e) when (facts.Failure is null && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                facts = facts with { Failure = FailureClassifier.Classify(e), FailedStep = "Route" };
            }
        }
    }

    // Rules that are not valid: the event waits in the retry queue, its attempt unused, nothing read or written for the VM.
    private async Task<(VmEventResult, Reason)> WaitForTheRulesAsync(WorkItem item, MessageEnvelope envelope, VmEvent vmEvent, Failure rules, StageTimer stages, CancellationToken cancellationToken)
    {
        var decision = _decider.RulesInvalid(rules, item.Attempt);
        var facts = new OnboardingFacts { Event = vmEvent, Attempt = item.Attempt, Force = item.Force, Claimant = item.Claimant };
        var due = await stages.RunAsync("Route", () => _router.CarryOutAsync(item, envelope, facts, decision, cancellationToken)).ConfigureAwait(false);
        return (ResultOf(item, vmEvent, facts, decision, due), decision.Reason);
    }

    // One step behind the stage wrapper; what it throws becomes the facts' failure, for the decider.
    private async Task<OnboardingFacts> RunStepAsync(WorkflowStep step, OnboardingFacts facts, AttemptContext context, CancellationToken cancellationToken, bool beside = false)
    {
        var runner = _steps[step];
        try
        {
            return runner.Stage is { } stage
                ? await (beside
                    ? context.Stages.RunBesideAsync(stage, () => runner.RunAsync(facts, context, cancellationToken))
                    : context.Stages.RunAsync(stage, () => runner.RunAsync(facts, context, cancellationToken))).ConfigureAwait(false)
                : await runner.RunAsync(facts, context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return facts with { Failure = FailureClassifier.Classify(e), FailedStep = runner.Stage ?? context.Stages.Current ?? step.ToString() };
        }
    }

    private async Task<VmEventResult> UnprocessableAsync(WorkItem item, Exception e, CancellationToken cancellationToken)
    {
        var error = e as VmEventOpsException;
        var reason = Reason.Error(ReasonCodes.Unprocessable, error?.ErrorId ?? ErrorIds.Unexpected, error?.Message ?? $"{e.GetType().Name}: {e.Message}");
        var text = _router.Text(reason);
        _log.Warning($"Message {item.Message.MessageId} in {item.Message.QueueName} could not be processed and goes to poison: {text}");
        await _router.DeadLetterAsync(item, item.Envelope with { Attempt = item.Attempt, TraceParent = null }, "Process", reason, cancellationToken).ConfigureAwait(false);
        return ResultOf(item, item.Message.Event) with { Outcome = VmEventOutcome.DeadLettered, Reason = text };
    }

    private static VmEventResult ResultOf(WorkItem item, VmEvent? vmEvent) => new()
    {
        Outcome = VmEventOutcome.Ignored, EventId = vmEvent?.EventId, VmResourceId = vmEvent?.VmResourceId, VmName = vmEvent?.VmName,
        Attempt = item.Attempt, DequeueCount = item.Message.DequeueCount,
    };

    private VmEventResult ResultOf(WorkItem item, VmEvent vmEvent, OnboardingFacts facts, OnboardingDecision decision, DateTimeOffset? due) => ResultOf(item, vmEvent) with
    {
        Outcome = decision.Outcome,
        Attempt = decision.Attempt,
        NextAttemptOn = due,
        JobId = decision.JobId,
        PrivateIpAddress = facts.KnownVm?.PrivateIpAddress,
        DbCheck = facts.Checks?.FirstOrDefault(c => c is { Name: "DatabaseCheck" })?.Summary,
        Rule = facts.Rule?.Rule?.Name,
        Checks = _router.Records(facts) ?? [],
    };
}
