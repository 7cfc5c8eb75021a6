using VmEventOps.Engine.Errors;

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
    public int AttemptOf(OnboardingFacts facts) => facts.State is { State: OnboardingStatus.Failed or OnboardingStatus.InProgress } state
        ? Math.Clamp(state.Attempts, 0, retry.MaxAttempts) + 1
        : facts.Attempt;

    /// <summary>The next step for <paramref name="facts"/> at <paramref name="now"/>, or the attempt's end.</summary>
    public WorkflowNext Decide(OnboardingFacts facts, DateTimeOffset now)
    {
        var attempt = AttemptOf(facts);
        if (facts.Failure is { } failure) return WorkflowNext.End(AfterFailure(failure, facts.FailedStep ?? "Process", attempt));
        if (!facts.StateRead) return WorkflowNext.Run(WorkflowStep.ReadState);
        // Another worker is onboarding this VM right now (a duplicate event): its message carries the work.
        if (!facts.Force && IsClaimedElsewhere(facts.State, now)) return Completed(VmEventOutcome.AlreadyOnboarded, Reason.Of(ReasonCodes.InProgressElsewhere), attempt);
        // Gone, or going: nothing to onboard.
        if (facts.VmGone is { } gone) return Completed(VmEventOutcome.Ignored, Reason.Of(gone), attempt);
        if (facts.Vm is not { } vm) return WorkflowNext.Run(WorkflowStep.LookupVm);
        // The same VM (same vmId) onboarded already: an update event. A VM created again under its name has a new vmId.
        if (!facts.Force && facts.State is { State: OnboardingStatus.Succeeded } done && done.VmId == vm.VmId)
        {
            return Completed(VmEventOutcome.AlreadyOnboarded, Reason.Onboarded(done.UpdatedOn), attempt, done.JobId);
        }

        if (facts.Claim is not { } claim) return WorkflowNext.Run(WorkflowStep.Claim);
        // Of two workers racing on one VM, one claims it; the other leaves it to the winner, unless the winner died.
        if (!claim.Won && !facts.Force && claim.Record is { } winner)
        {
            if (IsClaimedElsewhere(winner, now)) return Completed(VmEventOutcome.AlreadyOnboarded, Reason.Of(ReasonCodes.InProgressElsewhere), attempt, winner.JobId);
            if (winner.State == OnboardingStatus.Succeeded && winner.VmId == vm.VmId) return Completed(VmEventOutcome.AlreadyOnboarded, Reason.Onboarded(winner.UpdatedOn), attempt, winner.JobId);
        }

        if (facts.Checks is not { } checks) return WorkflowNext.Run(WorkflowStep.RunChecks);
        if (checks.FirstOrDefault(c => !c.Passed) is { } check)
        {
            var failed = check.Failure ?? new Failure(Diagnostics.ErrorIds.Unexpected, Diagnostics.VmErrorCategory.NotSpecified, false, null, $"{check.Name} did not pass: {check.Summary}");
            return WorkflowNext.End(AfterFailure(failed, check.Name, attempt));
        }

        if (facts.Job is not { } job) return WorkflowNext.Run(WorkflowStep.RunAction);
        return WorkflowNext.End(new OnboardingDecision
        {
            Outcome = VmEventOutcome.Succeeded, Route = Route.Succeeded, Attempt = attempt, Record = OnboardingStatus.Succeeded, JobId = job.JobId,
            Reason = Reason.Of(job.AlreadyExisted ? ReasonCodes.JobAlreadyStarted : ReasonCodes.JobStarted), HistoryStage = "Runbook",
        });
    }

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
    // came back when the lease ran out), and is taken over.
    private bool IsClaimedElsewhere(OnboardingState? state, DateTimeOffset now) =>
        state is { State: OnboardingStatus.InProgress, UpdatedOn: { } updated } && now - updated < messageLease;

    private static WorkflowNext Completed(VmEventOutcome outcome, Reason reason, int attempt, Guid? jobId = null) =>
        WorkflowNext.End(new OnboardingDecision { Outcome = outcome, Route = Route.Complete, Reason = reason, Attempt = attempt, JobId = jobId });
}
