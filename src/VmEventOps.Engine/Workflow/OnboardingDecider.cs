using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// The workflow's decisions, as one pure function of what is known of an event (<see cref="OnboardingFacts"/>) and the
/// time: which step to run next, or the outcome, the destination, the delay and the record. No I/O: every branch is a
/// unit test.
/// </summary>
public sealed class OnboardingDecider(RetrySchedule retry, TimeSpan messageLease)
{
    /// <summary>
    /// This attempt's number: what the message says, unless an onboarding is in progress, whose attempts are counted in
    /// the state record, which a queue writer cannot forge (fewer, to buy attempts; more, to push a VM to poison).
    /// </summary>
    public int AttemptOf(OnboardingFacts facts) => facts.State is { } state && (facts.Offboarding
            ? state.State is OnboardingStatus.Offboarding or OnboardingStatus.OffboardingFailed
            : state.State is OnboardingStatus.Failed or OnboardingStatus.InProgress)
        ? Math.Clamp(state.Attempts, 0, retry.MaxAttempts) + 1
        : facts.Attempt;

    /// <summary>The next step for <paramref name="facts"/> at <paramref name="now"/>, or the attempt's end.</summary>
    public WorkflowNext Decide(OnboardingFacts facts, DateTimeOffset now)
    {
        var next = DecideOnce(facts, now);
        // A first claim that ends with nothing to record (the VM gone, no rule, skipped) is taken back.
        return next.Decision is { Record: null, Route: Route.Complete } ended && facts.Claim is { Won: true, FirstClaim: true } && !facts.Offboarding
            ? WorkflowNext.End(ended with { ReleaseClaim = true })
            : next;
    }

    private WorkflowNext DecideOnce(OnboardingFacts facts, DateTimeOffset now)
    {
        var attempt = AttemptOf(facts);
        if (facts.Failure is { } failure) return WorkflowNext.End(Offboard(facts, AfterFailure(failure, facts.FailedStep ?? "Process", attempt)));
        // An onboarding claims first: a new VM (the common case) then needs no read, only the insert; a record that is
        // there already is read, and the decisions below take it as they would have after a read. A delete only reads.
        if (!facts.StateRead) return WorkflowNext.Run(facts.Offboarding ? WorkflowStep.ReadState : WorkflowStep.ClaimFirst);
        if (facts.Offboarding) return DecideOffboarding(facts, now, attempt);
        // Another worker is onboarding this VM right now (a duplicate event): its message carries the work.
        if (!facts.Force && IsClaimedElsewhere(facts.State, facts, now)) return Completed(VmEventOutcome.AlreadyOnboarded, Reason.Of(ReasonCodes.InProgressElsewhere), attempt);
        // Gone, or going: nothing to onboard.
        if (facts.VmGone is { } gone) return Completed(VmEventOutcome.Ignored, Reason.Of(gone), attempt);
        if (facts.Vm is not { } vm) return WorkflowNext.Run(WorkflowStep.LookupVm);
        // The same VM (same vmId) onboarded already: an update event. A VM created again under its name has a new vmId.
        if (!facts.Force && facts.State is { State: OnboardingStatus.Succeeded } done && done.VmId == vm.VmId)
        {
            return Completed(VmEventOutcome.AlreadyOnboarded, Reason.Onboarded(done.UpdatedOn), attempt, done.JobId);
        }

        // The same vmId offboarded (or being offboarded): a write event for a deleted VM that ARM still lists for a while,
        // or a forged one. A VM created again under its name has a new vmId.
        if (!facts.Force && IsOffboarded(facts.State, vm.VmId)) return Completed(VmEventOutcome.Ignored, Reason.Of(ReasonCodes.AlreadyOffboarded), attempt);

        // The first rule that matches the VM's facts says what to do with it: its checks and runbook, or nothing.
        if (facts.Rule is not { } match) return WorkflowNext.Run(WorkflowStep.MatchRule);
        if (match.Rule is not { } rule) return Completed(VmEventOutcome.Ignored, Reason.Of(ReasonCodes.NoRuleMatched), attempt);
        if (rule.SkipReason is { } skip) return Completed(VmEventOutcome.Ignored, Reason.WithDetail(ReasonCodes.Skipped, $"{rule.Name}: {skip}"), attempt);
        if (facts.Claim is not { } claim) return WorkflowNext.Run(WorkflowStep.Claim);
        // Of two workers racing on one VM, one claims it; the other leaves it to the winner, unless the winner died.
        if (!claim.Won && !facts.Force && claim.Record is { } winner)
        {
            if (IsClaimedElsewhere(winner, facts, now)) return Completed(VmEventOutcome.AlreadyOnboarded, Reason.Of(ReasonCodes.InProgressElsewhere), attempt, winner.JobId);
            if (winner.State == OnboardingStatus.Succeeded && winner.VmId == vm.VmId) return Completed(VmEventOutcome.AlreadyOnboarded, Reason.Onboarded(winner.UpdatedOn), attempt, winner.JobId);
            if (IsOffboarded(winner, vm.VmId)) return Completed(VmEventOutcome.Ignored, Reason.Of(ReasonCodes.AlreadyOffboarded), attempt);
        }

        if (facts.Checks is not { } checks) return WorkflowNext.Run(WorkflowStep.RunChecks);
        if (checks.FirstOrDefault(c => !c.Passed) is { } check) return WorkflowNext.End(AfterFailure(FailureOf(check), check.Name, attempt));

        if (facts.Job is not { } job) return WorkflowNext.Run(WorkflowStep.RunAction);
        return WorkflowNext.End(new OnboardingDecision
        {
            Outcome = VmEventOutcome.Succeeded, Route = Route.Succeeded, Attempt = attempt, Record = OnboardingStatus.Succeeded, JobId = job.JobId,
            Reason = Reason.Of(job.AlreadyExisted ? ReasonCodes.JobAlreadyStarted : ReasonCodes.JobStarted), HistoryStage = "Runbook",
        });
    }

    /// <summary>
    /// The decisions of a delete event. Only a VM whose record says it was onboarded is offboarded, once per vmId: a
    /// duplicate finds the record Offboarded; a delete while another worker still onboards the VM waits for it (no
    /// attempt used). ARM is asked whether the VM is really gone — anyone who can write to the queue can forge a delete —
    /// and a VM still there under the same vmId is left alone. The matching rule's offboarding runbook gets the last
    /// known facts of the record.
    /// </summary>
    private WorkflowNext DecideOffboarding(OnboardingFacts facts, DateTimeOffset now, int attempt)
    {
        if (facts.State is not { VmId: { } vmId } state) return Completed(VmEventOutcome.Ignored, Reason.Of(ReasonCodes.NotOnboarded), attempt);
        if (state.State == OnboardingStatus.Offboarded) return Completed(VmEventOutcome.Ignored, Reason.Of(ReasonCodes.AlreadyOffboarded), attempt);
        if (IsClaimedElsewhere(state, facts, now))
        {
            // The onboarding that another worker runs now must end first, or its job would outlive the offboarding.
            return WorkflowNext.End(new OnboardingDecision
            {
                Outcome = VmEventOutcome.RetryScheduled, Route = Route.Retry, Reason = Reason.Of(ReasonCodes.InProgressElsewhere), Attempt = attempt - 1,
                Delay = retry.DelayAfter(1), HistoryStage = ReasonCodes.InProgressElsewhere,
            });
        }

        if (!facts.Force && IsOffboardingElsewhere(state, facts, now)) return Completed(VmEventOutcome.Ignored, Reason.Of(ReasonCodes.InProgressElsewhere), attempt);
        if (state.State is not (OnboardingStatus.Succeeded or OnboardingStatus.Offboarding or OnboardingStatus.OffboardingFailed))
        {
            return Completed(VmEventOutcome.Ignored, Reason.Of(ReasonCodes.NotOnboarded), attempt);
        }

        if (facts.Rule is not { } match) return WorkflowNext.Run(WorkflowStep.MatchRule);
        if (match.Rule is not { Offboarding: not null, IsSkip: false } rule)
        {
            return Completed(VmEventOutcome.Ignored, match.Rule is { } named ? Reason.WithDetail(ReasonCodes.NoOffboardingAction, named.Name) : Reason.Of(ReasonCodes.NoRuleMatched), attempt);
        }

        if (facts.Vm is null && facts.VmGone is null) return WorkflowNext.Run(WorkflowStep.LookupVm);
        if (facts.Vm is { } live && live.VmId == vmId) return Completed(VmEventOutcome.Ignored, Reason.Of(ReasonCodes.VmStillExists), attempt);
        if (facts.Claim is not { } claim) return WorkflowNext.Run(WorkflowStep.Claim);
        // A lost claim: the record is another worker's. Go on only to take over its offboarding of this vmId once it is
        // stale (that worker died); anything else (a live offboarding, an onboarding again, a record gone) is not ours.
        if (!claim.Won && !facts.Force && !IsStaleOffboarding(claim.Record, vmId, facts, now))
        {
            return Completed(VmEventOutcome.Ignored, Reason.Of(claim.Record?.State == OnboardingStatus.Offboarded ? ReasonCodes.AlreadyOffboarded : ReasonCodes.InProgressElsewhere), attempt);
        }

        if (facts.Job is not { } job) return WorkflowNext.Run(WorkflowStep.RunAction);
        return WorkflowNext.End(new OnboardingDecision
        {
            Outcome = VmEventOutcome.Offboarded, Route = Route.Succeeded, Attempt = attempt, Record = OnboardingStatus.Offboarded, JobId = job.JobId,
            Reason = Reason.WithDetail(job.AlreadyExisted ? ReasonCodes.JobAlreadyStarted : ReasonCodes.JobStarted, rule.Offboarding.RunbookName), HistoryStage = "Offboarding",
        });
    }

    /// <summary>
    /// The end of an attempt while the rules are not valid (<paramref name="failure"/>: the first rule error): no rule can
    /// be trusted to say what to do, and the event is not its own fault, so it waits in the retry queue for the fix, no
    /// attempt used, no record written — never poison.
    /// </summary>
    public OnboardingDecision RulesInvalid(Failure failure, int attempt)
    {
        var error = Reason.Error("Rules", failure.ErrorId, failure.Message);
        return new OnboardingDecision
        {
            Outcome = VmEventOutcome.RetryScheduled, Route = Route.Retry, Reason = error, Error = error, Attempt = attempt - 1,
            Delay = retry.DelayAfter(1), HistoryStage = "Rules",
        };
    }

    // A failed offboarding leaves the record offboardable (OffboardingFailed), never Failed or DeadLettered as an onboarding
    // would; and only a record this attempt claimed (before the claim, or after a lost one, the record is someone else's).
    private static OnboardingDecision Offboard(OnboardingFacts facts, OnboardingDecision decision) =>
        facts.Offboarding && decision.Record is not null
            ? decision with { Record = facts.Claim is { Won: true } ? OnboardingStatus.OffboardingFailed : null }
            : decision;

    private static Failure FailureOf(Checks.CheckResult check) =>
        check.Failure ?? new Failure(Errors.ErrorIds.Unexpected, Errors.VmErrorCategory.NotSpecified, false, null, $"{check.Name} did not pass: {check.Summary}");

    /// <summary>
    /// The end of an attempt that failed in <paramref name="step"/>. Throttling is not a failure of the event: no attempt is
    /// used up, however long a burst lasts; the message waits for the window the service named (plus jitter) and comes
    /// back as the same attempt. A transient failure retries after backoff while attempts remain; the rest is poison.
    /// </summary>
    public OnboardingDecision AfterFailure(Failure failure, string step, int attempt)
    {
        var error = Reason.Error(step, failure.ErrorId, failure.Message);
        if (failure.IsThrottled)
        {
            return new OnboardingDecision
            {
                Outcome = VmEventOutcome.RetryScheduled, Route = Route.Retry, Reason = Reason.Of(ReasonCodes.Throttled), Error = error, Attempt = attempt - 1,
                Delay = retry.ThrottledDelay(failure.RetryAfter), Record = OnboardingStatus.Failed, HistoryStage = ReasonCodes.Throttled,
            };
        }

        return failure.IsTransient && retry.CanRetry(attempt)
            ? new OnboardingDecision
            {
                Outcome = VmEventOutcome.RetryScheduled, Route = Route.Retry, Reason = error, Error = error, Attempt = attempt,
                Delay = retry.DelayAfter(attempt), Record = OnboardingStatus.Failed, HistoryStage = step,
            }
            : new OnboardingDecision
            {
                Outcome = VmEventOutcome.DeadLettered, Route = Route.Poison, Reason = error, Error = error, Attempt = attempt,
                Record = OnboardingStatus.DeadLettered, HistoryStage = step,
            };
    }

    // A claim younger than a message lease belongs to a live worker; an older one to a worker that died (its message
    // came back when the lease ran out), and is taken over. So is one this very message wrote: its coming back says its
    // worker is gone, and a claim written after the lease's last renewal can outlive the lease by most of a renewal period.
    private bool IsClaimedElsewhere(OnboardingState? state, OnboardingFacts facts, DateTimeOffset now) =>
        state is { State: OnboardingStatus.InProgress } && IsLiveClaimOfAnother(state, facts, now);

    private bool IsStaleOffboarding(OnboardingState? state, Guid vmId, OnboardingFacts facts, DateTimeOffset now) =>
        state is { State: OnboardingStatus.Offboarding } && state.VmId == vmId && !IsOffboardingElsewhere(state, facts, now);

    private static bool IsOffboarded(OnboardingState? state, Guid vmId) =>
        state is { State: OnboardingStatus.Offboarding or OnboardingStatus.Offboarded or OnboardingStatus.OffboardingFailed } && state.VmId == vmId;

    private bool IsOffboardingElsewhere(OnboardingState state, OnboardingFacts facts, DateTimeOffset now) =>
        state is { State: OnboardingStatus.Offboarding } && IsLiveClaimOfAnother(state, facts, now);

    private bool IsLiveClaimOfAnother(OnboardingState claim, OnboardingFacts facts, DateTimeOffset now) =>
        claim.UpdatedOn is { } updated && now - updated < messageLease && (facts.Claimant is null || claim.ClaimedBy != facts.Claimant);

    private static WorkflowNext Completed(VmEventOutcome outcome, Reason reason, int attempt, Guid? jobId = null) =>
        WorkflowNext.End(new OnboardingDecision { Outcome = outcome, Route = Route.Complete, Reason = reason, Attempt = attempt, JobId = jobId });
}
