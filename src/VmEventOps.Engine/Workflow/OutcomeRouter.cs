using System.Text.Json;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Telemetry;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// Carries a decision out: the VM's record, then the message to its destination (deleted, or moved in its envelope to
/// succeeded, retry after the delay, or poison). A received message leaves its queue only after its destination write
/// succeeded. Reasons become text here, masked of every known secret and bounded.
/// </summary>
internal sealed class OutcomeRouter(QueueManager queues, OnboardingStateStore state, KnownSecrets secrets, IHostLog log, TimeProvider time)
{
    /// <summary>A reason as it is shown and written.</summary>
    public string Text(Reason reason) => InputText.Clean(secrets.Redact(reason.Render()), MessageEnvelope.MaxErrorLength)!;

    /// <summary>Deletes a message that needs nothing more (a host-taken one has nothing to delete).</summary>
    public async Task CompleteAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var settled = await item.Lease.SettleAsync(item.Message).ConfigureAwait(false);
        if (settled.PopReceipt is not null) await queues.DeleteAsync(settled, cancellationToken).ConfigureAwait(false);
        item.Routed.Set(VmEventOutcome.Ignored);
    }

    /// <summary>Moves a message to poison in <paramref name="envelope"/>, its reason and a history entry of <paramref name="stage"/> added.</summary>
    public async Task DeadLetterAsync(WorkItem item, MessageEnvelope envelope, string stage, Reason reason, CancellationToken cancellationToken)
    {
        var text = Text(reason);
        var settled = await item.Lease.SettleAsync(item.Message).ConfigureAwait(false);
        await queues.DeadLetterAsync(settled, (envelope with { Reason = text }).WithHistory(time.GetUtcNow(), stage, text), cancellationToken).ConfigureAwait(false);
        item.Routed.Set(VmEventOutcome.DeadLettered);
    }

    /// <summary>Carries out <paramref name="decision"/> for an attempt on <paramref name="facts"/>; returns when the next attempt is due (a retry).</summary>
    public async Task<DateTimeOffset?> CarryOutAsync(WorkItem item, MessageEnvelope envelope, OnboardingFacts facts, OnboardingDecision decision, CancellationToken cancellationToken)
    {
        // The attempt ended now, before its message moves: the record and the envelope share this time.
        var ended = time.GetUtcNow();
        if (decision.Route == Route.Complete)
        {
            if (decision.ReleaseClaim && facts.Claim?.Record is { } claim) await ReleaseAsync(facts.VmResourceId, claim, cancellationToken).ConfigureAwait(false);
            await CompleteAsync(item, cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (decision.Route == Route.Succeeded)
        {
            await SucceedAsync(item, envelope, facts, decision, ended, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var error = Text(decision.Error ?? decision.Reason);
        var next = (envelope with { Attempt = decision.Attempt, Reason = Text(decision.Reason) }).WithHistory(ended, decision.HistoryStage ?? "Process", error);
        if (decision.Reason.Code == ReasonCodes.Throttled) VmEventTelemetry.ThrottleDeferrals.Add(1);
        var settled = await item.Lease.SettleAsync(item.Message).ConfigureAwait(false);
        await queues.RouteEnvelopeAsync(settled, decision.Route == Route.Retry ? QueueKind.Retry : QueueKind.Poison, next, decision.Delay, cancellationToken).ConfigureAwait(false);
        item.Routed.Set(decision.Outcome);
        DateTimeOffset? due = decision.Delay is { } delay ? ended + delay : null;
        if (decision.Record is { } status)
        {
            var attempt = new OnboardingAttempt(ended, decision.Attempt, decision.Outcome.ToString(), error) { Checks = Records(facts) };
            await RecordAsync(facts.VmResourceId, facts.KnownVm?.VmId, status, attempt, due, cancellationToken).ConfigureAwait(false);
        }

        return due;
    }

    // The record (Succeeded, with the job) and the message to succeeded with a summary, at the same time; the event leaves
    // the main queue only once both are written. Should either fail, the event comes back and finds the job started
    // (its name is the VM's), so nothing runs twice; the succeeded queue may then hold a second summary.
    private async Task SucceedAsync(WorkItem item, MessageEnvelope envelope, OnboardingFacts facts, OnboardingDecision decision, DateTimeOffset ended, CancellationToken cancellationToken)
    {
        var vm = facts.KnownVm!;
        var claimed = facts.Claim?.Record;
        var outcome = decision.Outcome.ToString();
        var summary = JsonSerializer.Serialize(new { outcome, vmId = vm.VmId, jobId = decision.JobId, facts.Job!.AlreadyExisted, vm.PrivateIpAddress, rule = facts.Rule?.Rule?.Name, at = ended });
        var body = await queues.WrapAsync((envelope with { Attempt = decision.Attempt, Reason = outcome, Result = summary })
            .WithHistory(ended, decision.HistoryStage ?? "Runbook", null), QueueKind.Succeeded, item.Message.MessageId, cancellationToken).ConfigureAwait(false);
        var settled = await item.Lease.SettleAsync(item.Message).ConfigureAwait(false);
        var record = state.TryWriteAsync(facts.VmResourceId, new OnboardingState
        {
            VmResourceId = facts.VmResourceId.Value, VmId = vm.VmId, State = decision.Record ?? OnboardingStatus.Succeeded, Attempts = decision.Attempt, JobId = decision.JobId, FirstSeen = claimed?.FirstSeen,
            Vm = vm, Rule = facts.Rule?.Rule?.Name,
            History = OnboardingState.Append(claimed?.History, new OnboardingAttempt(ended, decision.Attempt, outcome, Text(decision.Reason)) { Checks = Records(facts) }),
        }, claimed, cancellationToken);
        await queues.RouteAlongsideAsync(settled, QueueKind.Succeeded, body, record, cancellationToken).ConfigureAwait(false);
        item.Routed.Set(decision.Outcome);
    }

    /// <summary>The checks of an attempt as they are shown and kept: reasons masked and bounded.</summary>
    public IReadOnlyList<Checks.CheckRecord>? Records(OnboardingFacts facts) =>
        facts.Checks is { Count: > 0 } checks ? checks.Select(c => Checks.CheckRecord.Of(c, text => Text(new Reason(text)))).ToArray() : null;

    // Before the message leaves: a claim left behind (storage failed here) only looks like an onboarding in progress until
    // a lease has passed, when the next event of the VM takes it over; the message is completed either way.
    private async Task ReleaseAsync(VmResourceId vm, OnboardingState claim, CancellationToken cancellationToken)
    {
        try
        {
            await state.TryDeleteAsync(vm, claim, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.Warning($"The onboarding claim of {vm.Name} could not be taken back: {Text(new Reason(FailureClassifier.Classify(e).Message))}");
        }
    }

    private async Task RecordAsync(VmResourceId vm, Guid? vmId, OnboardingStatus status, OnboardingAttempt ended, DateTimeOffset? nextAttemptOn, CancellationToken cancellationToken)
    {
        try
        {
            var current = await state.GetAsync(vm, cancellationToken).ConfigureAwait(false);
            // Another worker finished it meanwhile (its onboarding, or its offboarding); a failed offboarding writes only over
            // the Offboarding claim it made (the decider gives it a record only then), never over another's record.
            if (status == OnboardingStatus.OffboardingFailed ? current?.State != OnboardingStatus.Offboarding : current?.State == OnboardingStatus.Succeeded) return;
            await state.TryWriteAsync(vm, new OnboardingState
            {
                VmResourceId = vm.Value, VmId = current?.VmId ?? vmId, State = status, Attempts = ended.Attempt, LastError = ended.Reason, JobId = current?.JobId,
                NextAttemptOn = nextAttemptOn, History = OnboardingState.Append(current?.History, ended),
            }, current, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The message is routed already; the state is bookkeeping (and what failed is told masked, never routed again).
            log.Warning($"The onboarding state of {vm.Name} could not be written: {Text(new Reason(FailureClassifier.Classify(e).Message))}");
        }
    }
}
