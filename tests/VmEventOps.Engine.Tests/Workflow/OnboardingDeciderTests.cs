using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Tests.Workflow;

/// <summary>The workflow's decisions as a pure function: every branch, no queue, table or ARM.</summary>
public sealed class OnboardingDeciderTests
{
    private const string VmId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid TheVm = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    private static readonly VmEventOptions Options = new() { MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromMinutes(1), RetryFactor = 2, RetryMaxDelay = TimeSpan.FromHours(1), MessageLease = TimeSpan.FromMinutes(5) };

    // Jitter fixed at its middle: a retry waits exactly base × factor^(attempt-1); a throttled one Retry-After × 1.1.
    private readonly OnboardingDecider _decider = new(new RetrySchedule(Options.Retry, () => 0.5), Options.MessageLease);

    private static OnboardingFacts Fresh(int attempt = 1, bool force = false) => new()
    {
        Event = new VmEvent { EventId = "e1", EventType = "Microsoft.Resources.ResourceWriteSuccess", Schema = EventSchema.EventGrid, Raw = "{}", Accepted = true, VmResourceId = VmId, ParsedVmId = VmResourceId.Parse(VmId) },
        Attempt = attempt,
        Force = force,
    };

    private static VmNetworkInfo Vm(Guid? vmId = null) => new() { VmResourceId = VmId, VmId = vmId ?? TheVm, VmName = "vm-01", PrivateIpAddress = "10.0.0.4" };

    private static OnboardingState Record(OnboardingStatus status, int attempts = 1, DateTimeOffset? updated = null, Guid? vmId = null) =>
        new() { VmResourceId = VmId, State = status, Attempts = attempts, UpdatedOn = updated ?? Now.AddHours(-1), VmId = vmId ?? TheVm, JobId = Guid.Parse("5f36f3eb-73a3-5895-8892-9269816767b1") };

    private static OnboardingFacts Known(OnboardingState? state = null, VmNetworkInfo? vm = null, bool force = false, int attempt = 1) =>
        Fresh(attempt, force) with { StateRead = true, State = state, Vm = vm ?? Vm(), Rule = DefaultMatch };

    private static readonly RunbookActionSpec Offboard = new() { AutomationAccountId = "/a", RunbookName = "Remove-VmOnboarding" };
    private static readonly RuleMatch DefaultMatch = new(new OnboardingRule { Name = "Default", Origin = "test", Action = new RunbookActionSpec { AutomationAccountId = "/a", RunbookName = "Start-VmOnboarding" }, Offboarding = Offboard }, [], []);
    private static readonly RuleMatch SkipMatch = new(new OnboardingRule { Name = "Sandbox", Origin = "test", SkipReason = "sandbox VMs are left alone" }, ["tag env=sandbox"], []);
    private static readonly RuleMatch NoMatch = new(null, [], [new RuleMiss("Prod", "no tag env")]);

    private static OnboardingFacts Deleted(OnboardingState? state, bool stateRead = true) => Fresh() with
    {
        Event = Fresh().Event with { EventType = EventFilter.ResourceDeleteSuccess, OperationName = EventFilter.VmDeleteOperation },
        StateRead = stateRead,
        State = state,
    };

    private static OnboardingFacts Claimed(OnboardingFacts facts) => facts with { Claim = new Claim(true, Record(OnboardingStatus.InProgress, updated: Now), facts.State is null) };

    private static VmRunbookJob Job(bool existed) => new() { JobId = Guid.NewGuid(), RunbookName = "Start-VmOnboarding", Status = "New", AutomationAccountId = "/a", AlreadyExisted = existed };

    private static Failure Transient(string id = ErrorIds.ArmRequestFailed) => new(id, VmErrorCategory.ResourceUnavailable, true, null, "ARM answered 503");

    [Fact]
    public void Decide_WhenNothingIsKnownOfAWriteEvent_ShouldClaimFirst() =>
        Assert.Equal(WorkflowStep.ClaimFirst, _decider.Decide(Fresh(), Now).Step);

    [Fact]
    public void Decide_WhenNothingIsKnownOfADeleteEvent_ShouldOnlyReadTheState() =>
        Assert.Equal(WorkflowStep.ReadState, _decider.Decide(Deleted(null, stateRead: false), Now).Step);

    [Fact]
    public void Decide_WhenTheFirstClaimWasInserted_ShouldGoOnToTheChecksWithoutClaimingAgain()
    {
        var facts = Known() with { Claim = new Claim(true, Record(OnboardingStatus.InProgress, updated: Now), FirstClaim: true) };

        Assert.Equal(WorkflowStep.RunChecks, _decider.Decide(facts, Now).Step);
    }

    [Theory]
    [InlineData("gone")]
    [InlineData("no rule")]
    [InlineData("skipped")]
    public void Decide_WhenAFirstClaimEndsWithNothingToRecord_ShouldTakeTheClaimBack(string why)
    {
        var claimed = Fresh() with { StateRead = true, Claim = new Claim(true, Record(OnboardingStatus.InProgress, updated: Now), FirstClaim: true) };
        var facts = why switch
        {
            "gone" => claimed with { VmGone = ErrorIds.VmNotFound },
            "no rule" => claimed with { Vm = Vm(), Rule = NoMatch },
            _ => claimed with { Vm = Vm(), Rule = SkipMatch },
        };

        var decision = _decider.Decide(facts, Now).Decision!;

        Assert.Equal((VmEventOutcome.Ignored, Route.Complete, (OnboardingStatus?)null, true), (decision.Outcome, decision.Route, decision.Record, decision.ReleaseClaim));
    }

    [Fact]
    public void Decide_WhenAClaimOfARecordThatWasThereEndsWithNothingToRecord_ShouldLeaveTheRecord()
    {
        var facts = Known(Record(OnboardingStatus.Failed, 1)) with { Rule = NoMatch, Claim = new Claim(true, Record(OnboardingStatus.InProgress, updated: Now), FirstClaim: false) };

        Assert.False(_decider.Decide(facts, Now).Decision!.ReleaseClaim);
    }

    [Fact]
    public void Decide_WhenAFirstClaimIsFollowedByAFailure_ShouldRecordTheFailure_NotTakeTheClaimBack()
    {
        var facts = Fresh() with { StateRead = true, Claim = new Claim(true, Record(OnboardingStatus.InProgress, updated: Now), FirstClaim: true), Failure = Transient(), FailedStep = "VmLookup" };

        var decision = _decider.Decide(facts, Now).Decision!;

        Assert.Equal((OnboardingStatus?)OnboardingStatus.Failed, decision.Record);
        Assert.False(decision.ReleaseClaim);
    }

    [Fact]
    public void Decide_WhenTheStateIsRead_ShouldLookTheVmUp() =>
        Assert.Equal(WorkflowStep.LookupVm, _decider.Decide(Fresh() with { StateRead = true }, Now).Step);

    [Fact]
    public void Decide_WhenALiveClaimIsElsewhere_ShouldCompleteAsAlreadyOnboarded_WithoutLookingTheVmUp()
    {
        var decision = _decider.Decide(Fresh() with { StateRead = true, State = Record(OnboardingStatus.InProgress, updated: Now.AddMinutes(-1)) }, Now).Decision!;

        Assert.Equal((VmEventOutcome.AlreadyOnboarded, Route.Complete, ReasonCodes.InProgressElsewhere), (decision.Outcome, decision.Route, decision.Reason.Code));
    }

    [Fact]
    public void Decide_WhenTheClaimElsewhereIsOlderThanALease_ShouldTakeItOver() =>
        Assert.Equal(WorkflowStep.LookupVm, _decider.Decide(Fresh() with { StateRead = true, State = Record(OnboardingStatus.InProgress, updated: Now.AddMinutes(-6)) }, Now).Step);

    [Fact]
    public void Decide_WhenForcedAndClaimedElsewhere_ShouldGoOn() =>
        Assert.Equal(WorkflowStep.LookupVm, _decider.Decide(Fresh(force: true) with { StateRead = true, State = Record(OnboardingStatus.InProgress, updated: Now) }, Now).Step);

    [Theory]
    [InlineData(ErrorIds.VmNotFound)]
    [InlineData(ErrorIds.VmDeleting)]
    public void Decide_WhenTheVmIsGone_ShouldCompleteAsIgnored_WithTheErrorIdAsReason(string gone)
    {
        var decision = _decider.Decide(Fresh() with { StateRead = true, VmGone = gone }, Now).Decision!;

        Assert.Equal((VmEventOutcome.Ignored, Route.Complete, gone, (OnboardingStatus?)null), (decision.Outcome, decision.Route, decision.Reason.Render(), decision.Record));
    }

    [Fact]
    public void Decide_WhenThisVmIdWasOnboarded_ShouldCompleteAsAlreadyOnboarded_WithItsJob()
    {
        var record = Record(OnboardingStatus.Succeeded, updated: new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        var decision = _decider.Decide(Known(record), Now).Decision!;

        Assert.Equal((VmEventOutcome.AlreadyOnboarded, Route.Complete, record.JobId), (decision.Outcome, decision.Route, decision.JobId));
        Assert.Equal("Onboarded 2026-11-25 08:00:00Z", decision.Reason.Render());
    }

    [Fact]
    public void Decide_WhenAVmOfTheSameNameButANewVmIdWasOnboarded_ShouldClaimIt() =>
        Assert.Equal(WorkflowStep.Claim, _decider.Decide(Known(Record(OnboardingStatus.Succeeded), Vm(Guid.NewGuid())), Now).Step);

    [Theory]
    [InlineData(OnboardingStatus.Offboarding)]
    [InlineData(OnboardingStatus.Offboarded)]
    [InlineData(OnboardingStatus.OffboardingFailed)]
    public void Decide_WhenThisVmIdWasOffboarded_ShouldBeIgnoredAsAlreadyOffboarded_UnlessForced(OnboardingStatus status)
    {
        var decision = _decider.Decide(Known(Record(status)), Now).Decision!;
        var forced = _decider.Decide(Known(Record(status), force: true), Now);
        var newVmId = _decider.Decide(Known(Record(status), Vm(Guid.NewGuid())), Now);

        Assert.Equal((VmEventOutcome.Ignored, Route.Complete, ReasonCodes.AlreadyOffboarded, (OnboardingStatus?)null), (decision.Outcome, decision.Route, decision.Reason.Code, decision.Record));
        Assert.Equal(WorkflowStep.Claim, forced.Step);
        Assert.Equal(WorkflowStep.Claim, newVmId.Step);
    }

    [Fact]
    public void Decide_WhenTheClaimIsLostToAnOffboardingOfThisVmId_ShouldBeIgnoredAsAlreadyOffboarded() =>
        Assert.Equal(ReasonCodes.AlreadyOffboarded, _decider.Decide(Known() with { Claim = new Claim(false, Record(OnboardingStatus.Offboarded), false) }, Now).Decision!.Reason.Code);

    [Fact]
    public void Decide_WhenForcedOnAnOnboardedVm_ShouldClaimIt() =>
        Assert.Equal(WorkflowStep.Claim, _decider.Decide(Known(Record(OnboardingStatus.Succeeded), force: true), Now).Step);

    [Fact]
    public void Decide_WhenALiveClaimWasWrittenByThisVeryMessage_ShouldTakeItOver_ItsWorkerDied()
    {
        var claim = Record(OnboardingStatus.InProgress, updated: Now.AddSeconds(-1)) with { ClaimedBy = "main/m1" };
        var redelivered = Fresh() with { StateRead = true, State = claim, Claimant = "main/m1" };
        var duplicate = redelivered with { Claimant = "main/m2" };
        var fromAHost = redelivered with { Claimant = null };

        Assert.Equal(WorkflowStep.LookupVm, _decider.Decide(redelivered, Now).Step);
        Assert.Equal(ReasonCodes.InProgressElsewhere, _decider.Decide(duplicate, Now).Decision!.Reason.Code);
        Assert.Equal(ReasonCodes.InProgressElsewhere, _decider.Decide(fromAHost, Now).Decision!.Reason.Code);
    }

    [Fact]
    public void Decide_WhenTheClaimIsLostToThisVeryMessagesEarlierClaim_ShouldGoOnToTheChecks()
    {
        var winner = Record(OnboardingStatus.InProgress, updated: Now) with { ClaimedBy = "main/m1" };

        Assert.Equal(WorkflowStep.RunChecks, _decider.Decide(Known() with { Claimant = "main/m1", Claim = new Claim(false, winner, false) }, Now).Step);
    }

    [Fact]
    public void Decide_WhenADeletedVmsLiveOffboardingClaimIsThisVeryMessages_ShouldTakeItOver()
    {
        var claim = Record(OnboardingStatus.Offboarding, updated: Now.AddSeconds(-1)) with { ClaimedBy = "main/m1" };

        Assert.Equal(WorkflowStep.MatchRule, _decider.Decide(Deleted(claim) with { Claimant = "main/m1" }, Now).Step);
        Assert.Equal(ReasonCodes.InProgressElsewhere, _decider.Decide(Deleted(claim) with { Claimant = "main/m2" }, Now).Decision!.Reason.Code);
    }

    [Fact]
    public void Decide_WhenTheClaimIsLostToALiveWorker_ShouldCompleteAsInProgressElsewhere()
    {
        var winner = Record(OnboardingStatus.InProgress, updated: Now);
        var decision = _decider.Decide(Known() with { Claim = new Claim(false, winner, false) }, Now).Decision!;

        Assert.Equal((VmEventOutcome.AlreadyOnboarded, ReasonCodes.InProgressElsewhere, winner.JobId), (decision.Outcome, decision.Reason.Code, decision.JobId));
    }

    [Fact]
    public void Decide_WhenTheClaimIsLostToAWorkerThatFinished_ShouldCompleteAsOnboarded() =>
        Assert.Equal(ReasonCodes.Onboarded, _decider.Decide(Known() with { Claim = new Claim(false, Record(OnboardingStatus.Succeeded), false) }, Now).Decision!.Reason.Code);

    [Fact]
    public void Decide_WhenTheClaimIsLostToAFailedRecord_ShouldGoOnToTheChecks() =>
        Assert.Equal(WorkflowStep.RunChecks, _decider.Decide(Known() with { Claim = new Claim(false, Record(OnboardingStatus.Failed), false) }, Now).Step);

    [Fact]
    public void Decide_WhenClaimed_ShouldRunTheChecks_ThenTheAction()
    {
        var claimed = Claimed(Known());

        Assert.Equal(WorkflowStep.RunChecks, _decider.Decide(claimed, Now).Step);
        Assert.Equal(WorkflowStep.RunAction, _decider.Decide(claimed with { Checks = [CheckResult.Pass("DatabaseCheck", "OK")] }, Now).Step);
        Assert.Equal(WorkflowStep.RunAction, _decider.Decide(claimed with { Checks = [] }, Now).Step);
    }

    [Theory]
    [InlineData(false, ReasonCodes.JobStarted)]
    [InlineData(true, ReasonCodes.JobAlreadyStarted)]
    public void Decide_WhenTheJobRuns_ShouldSucceed_AndRecordIt(bool existed, string reason)
    {
        var job = Job(existed);
        var decision = _decider.Decide(Claimed(Known()) with { Checks = [], Job = job }, Now).Decision!;

        Assert.Equal((VmEventOutcome.Succeeded, Route.Succeeded, reason, job.JobId, OnboardingStatus.Succeeded, 1), (decision.Outcome, decision.Route, decision.Reason.Code, decision.JobId, decision.Record, decision.Attempt));
    }

    [Fact]
    public void Decide_WhenACheckFailsTransiently_ShouldRetryAfterBackoff_WithTheCheckAsStep()
    {
        var failed = CheckResult.Fail("DatabaseCheck", "Login ConnectionFailed", Transient(ErrorIds.DbCheckFailed) with { Message = "Database check failed at Login" });
        var decision = _decider.Decide(Claimed(Known(attempt: 2)) with { Checks = [failed] }, Now).Decision!;

        Assert.Equal((VmEventOutcome.RetryScheduled, Route.Retry, OnboardingStatus.Failed, 2), (decision.Outcome, decision.Route, decision.Record, decision.Attempt));
        Assert.Equal(TimeSpan.FromMinutes(2), decision.Delay);
        Assert.Equal($"DatabaseCheck: {ErrorIds.DbCheckFailed}: Database check failed at Login", decision.Reason.Render());
        Assert.Equal("DatabaseCheck", decision.HistoryStage);
    }

    [Fact]
    public void Decide_WhenACheckFailsForGood_ShouldPoisonAtOnce()
    {
        var failed = CheckResult.Fail("DatabaseCheck", "Tls TlsFailure", new Failure(ErrorIds.DbNotConfigured, VmErrorCategory.InvalidArgument, false, null, "certificate"));
        var decision = _decider.Decide(Claimed(Known()) with { Checks = [failed] }, Now).Decision!;

        Assert.Equal((VmEventOutcome.DeadLettered, Route.Poison, OnboardingStatus.DeadLettered, (TimeSpan?)null), (decision.Outcome, decision.Route, decision.Record, decision.Delay));
    }

    [Fact]
    public void Decide_WhenATransientFailureEndsTheLastAttempt_ShouldPoison()
    {
        var decision = _decider.Decide(Fresh(attempt: 3) with { Failure = Transient(), FailedStep = "VmLookup" }, Now).Decision!;

        Assert.Equal((VmEventOutcome.DeadLettered, Route.Poison, 3), (decision.Outcome, decision.Route, decision.Attempt));
        Assert.StartsWith($"VmLookup: {ErrorIds.ArmRequestFailed}: ", decision.Reason.Render());
    }

    [Fact]
    public void Decide_WhenThrottled_ShouldDeferForTheNamedWait_WithoutUsingAnAttempt()
    {
        var throttled = new Failure(ErrorIds.ArmThrottled, VmErrorCategory.LimitsExceeded, true, TimeSpan.FromMinutes(10), "429 quota");
        // Even on the last attempt: throttling is not a failure of the event.
        var decision = _decider.Decide(Fresh(attempt: 3) with { Failure = throttled, FailedStep = "Runbook" }, Now).Decision!;

        Assert.Equal((VmEventOutcome.RetryScheduled, Route.Retry, ReasonCodes.Throttled, 2, ReasonCodes.Throttled), (decision.Outcome, decision.Route, decision.Reason.Render(), decision.Attempt, decision.HistoryStage));
        Assert.Equal(TimeSpan.FromMinutes(11), decision.Delay);
        Assert.Equal($"Runbook: {ErrorIds.ArmThrottled}: 429 quota", decision.Error!.Render());
    }

    [Fact]
    public void Decide_WhenThrottledWithoutAWait_ShouldDeferForTheQuotaWindow() =>
        Assert.Equal(TimeSpan.FromSeconds(33), _decider.Decide(Fresh() with { Failure = new Failure(ErrorIds.ArmThrottled, VmErrorCategory.LimitsExceeded, true, null, "429"), FailedStep = "Runbook" }, Now).Decision!.Delay);

    [Theory]
    [InlineData(OnboardingStatus.Failed, 2, 1, 3)]      // the record counts attempts, whatever the body claims
    [InlineData(OnboardingStatus.InProgress, 1, 3, 2)]  // a body claiming more cannot push the VM to poison
    [InlineData(OnboardingStatus.Failed, 99, 1, 4)]     // a record beyond the limit is clamped
    [InlineData(OnboardingStatus.Succeeded, 4, 1, 1)]   // a finished record does not count for a new vmId
    [InlineData(OnboardingStatus.DeadLettered, 3, 2, 2)]
    public void AttemptOf_ShouldTrustTheRecordOfAnOnboardingInProgress(OnboardingStatus status, int recorded, int claimed, int expected) =>
        Assert.Equal(expected, _decider.AttemptOf(Fresh(claimed) with { StateRead = true, State = Record(status, recorded) }));

    [Fact]
    public void Decide_ForAnyFacts_ShouldEndWithinSixSteps_AndNeverThrow()
    {
        var random = new Random(20261201);
        OnboardingState?[] states =
        [
            null, Record(OnboardingStatus.Succeeded), Record(OnboardingStatus.InProgress, updated: Now), Record(OnboardingStatus.InProgress, updated: Now.AddDays(-1)), Record(OnboardingStatus.Failed, 4),
            Record(OnboardingStatus.DeadLettered), Record(OnboardingStatus.Offboarding, updated: Now), Record(OnboardingStatus.Offboarded), Record(OnboardingStatus.OffboardingFailed, 2),
        ];
        RuleMatch[] matches = [DefaultMatch, SkipMatch, NoMatch];
        for (var run = 0; run < 2000; run++)
        {
            var facts = random.Next(3) == 0 ? Deleted(null, stateRead: false) : Fresh(random.Next(1, 5), random.Next(2) == 0);
            for (var steps = 0; ; steps++)
            {
                Assert.True(steps <= 6, "the decider looped");
                var next = _decider.Decide(facts, Now);
                if (next.Decision is { } decision)
                {
                    Assert.InRange(decision.Attempt, 0, Options.MaxAttempts + 1);
                    // Only a first claim is ever taken back, and only when nothing is recorded over it.
                    Assert.True(!decision.ReleaseClaim || (facts.Claim is { FirstClaim: true } && decision.Record is null), "a claim taken back that was not a first claim");
                    Assert.Equal(decision.Route == Route.Retry, decision.Delay is not null);
                    break;
                }

                facts = next.Step switch
                {
                    WorkflowStep.ReadState => facts with { StateRead = true, State = states[random.Next(states.Length)] },
                    WorkflowStep.ClaimFirst => random.Next(2) == 0
                        ? facts with { StateRead = true, Claim = new Claim(true, Record(OnboardingStatus.InProgress, updated: Now), FirstClaim: true) }
                        : facts with { StateRead = true, State = states[random.Next(states.Length)] },
                    WorkflowStep.MatchRule => facts with { Rule = matches[random.Next(matches.Length)] },
                    WorkflowStep.LookupVm => random.Next(10) == 0 ? facts with { VmGone = ErrorIds.VmNotFound } : facts with { Vm = Vm(random.Next(2) == 0 ? TheVm : Guid.NewGuid()) },
                    WorkflowStep.Claim => facts with { Claim = new Claim(random.Next(2) == 0, states[random.Next(states.Length)], false) },
                    WorkflowStep.RunChecks => facts with { Checks = random.Next(3) == 0 ? [CheckResult.Fail("TcpPort", "closed", Transient())] : [] },
                    WorkflowStep.RunAction => random.Next(5) == 0 ? facts with { Failure = Transient(), FailedStep = "Runbook" } : facts with { Job = Job(false) },
                    _ => throw new InvalidOperationException($"unexpected step {next.Step}"),
                };
            }
        }
    }

    [Fact]
    public void Decide_WhenTheVmIsLookedUp_ShouldMatchItsRuleBeforeClaimingIt() =>
        Assert.Equal(WorkflowStep.MatchRule, _decider.Decide(Known() with { Rule = null }, Now).Step);

    [Fact]
    public void Decide_WhenTheRuleSaysSkip_ShouldCompleteAsIgnored_NamingTheRuleAndItsReason_WithoutAClaim()
    {
        var decision = _decider.Decide(Known() with { Rule = SkipMatch }, Now).Decision!;

        Assert.Equal((VmEventOutcome.Ignored, Route.Complete, (OnboardingStatus?)null), (decision.Outcome, decision.Route, decision.Record));
        Assert.Equal("Skipped:Sandbox: sandbox VMs are left alone", decision.Reason.Render());
    }

    [Fact]
    public void Decide_WhenNoRuleMatches_ShouldCompleteAsIgnored_NoRuleMatched() =>
        Assert.Equal(ReasonCodes.NoRuleMatched, _decider.Decide(Known() with { Rule = NoMatch }, Now).Decision!.Reason.Code);

    [Fact]
    public void Decide_WhenACheckTimedOut_ShouldRetryWhenTheRuleSaysItIsRetryable()
    {
        var timedOut = CheckResult.Error("TcpPortCheck", "timed out after 5 s", new Failure(ErrorIds.CheckTimedOut, VmErrorCategory.OperationTimeout, true, null, "TcpPortCheck did not end within 5 s."), CheckStatus.TimedOut);

        var decision = _decider.Decide(Claimed(Known()) with { Checks = [timedOut] }, Now).Decision!;

        Assert.Equal((VmEventOutcome.RetryScheduled, "TcpPortCheck", ErrorIds.CheckTimedOut), (decision.Outcome, decision.HistoryStage, decision.Reason.Code));
    }

    [Fact]
    public void Decide_WhenADeletedVmHasNoRecord_ShouldCompleteAsIgnored_NotOnboarded_WithoutAskingArm()
    {
        var decision = _decider.Decide(Deleted(null), Now).Decision!;

        Assert.Equal((VmEventOutcome.Ignored, Route.Complete, ReasonCodes.NotOnboarded), (decision.Outcome, decision.Route, decision.Reason.Code));
    }

    [Theory]
    [InlineData(OnboardingStatus.Failed)]
    [InlineData(OnboardingStatus.DeadLettered)]
    public void Decide_WhenADeletedVmWasNeverOnboarded_ShouldCompleteAsIgnored_NotOnboarded(OnboardingStatus status) =>
        Assert.Equal(ReasonCodes.NotOnboarded, _decider.Decide(Deleted(Record(status)), Now).Decision!.Reason.Code);

    [Fact]
    public void Decide_WhenADeletedVmWasOffboardedAlready_ShouldCompleteAsIgnored_AlreadyOffboarded() =>
        Assert.Equal(ReasonCodes.AlreadyOffboarded, _decider.Decide(Deleted(Record(OnboardingStatus.Offboarded)), Now).Decision!.Reason.Code);

    [Fact]
    public void Decide_WhenADeletedVmIsStillBeingOnboardedElsewhere_ShouldWaitWithoutUsingAnAttemptOrTouchingTheRecord()
    {
        var decision = _decider.Decide(Deleted(Record(OnboardingStatus.InProgress, updated: Now.AddMinutes(-1))), Now).Decision!;

        Assert.Equal((VmEventOutcome.RetryScheduled, Route.Retry, ReasonCodes.InProgressElsewhere, 0, (OnboardingStatus?)null), (decision.Outcome, decision.Route, decision.Reason.Code, decision.Attempt, decision.Record));
        Assert.NotNull(decision.Delay);
    }

    [Fact]
    public void Decide_WhenADeletedVmIsOffboardedByAnotherWorker_ShouldCompleteAsIgnored_InProgressElsewhere() =>
        Assert.Equal(ReasonCodes.InProgressElsewhere, _decider.Decide(Deleted(Record(OnboardingStatus.Offboarding, updated: Now.AddMinutes(-1))), Now).Decision!.Reason.Code);

    [Fact]
    public void Decide_WhenAnOnboardedVmIsDeleted_ShouldMatchItsRule_AskArm_Claim_ThenRunTheOffboarding()
    {
        var facts = Deleted(Record(OnboardingStatus.Succeeded));
        Assert.Equal(WorkflowStep.MatchRule, _decider.Decide(facts, Now).Step);
        facts = facts with { Rule = DefaultMatch };
        Assert.Equal(WorkflowStep.LookupVm, _decider.Decide(facts, Now).Step);
        facts = facts with { VmGone = ErrorIds.VmNotFound };
        Assert.Equal(WorkflowStep.Claim, _decider.Decide(facts, Now).Step);
        facts = facts with { Claim = new Claim(true, Record(OnboardingStatus.Offboarding, updated: Now), false) };
        Assert.Equal(WorkflowStep.RunAction, _decider.Decide(facts, Now).Step);

        var decision = _decider.Decide(facts with { Job = Job(false) }, Now).Decision!;

        Assert.Equal((VmEventOutcome.Offboarded, Route.Succeeded, (OnboardingStatus?)OnboardingStatus.Offboarded), (decision.Outcome, decision.Route, decision.Record));
        Assert.Equal("JobStarted:Remove-VmOnboarding", decision.Reason.Render());
    }

    [Fact]
    public void Decide_WhenADeleteEventNamesAVmArmStillHasUnderTheSameVmId_ShouldLeaveItAlone_VmStillExists()
    {
        var decision = _decider.Decide(Deleted(Record(OnboardingStatus.Succeeded)) with { Rule = DefaultMatch, Vm = Vm() }, Now).Decision!;

        Assert.Equal((VmEventOutcome.Ignored, ReasonCodes.VmStillExists), (decision.Outcome, decision.Reason.Code));
    }

    [Fact]
    public void Decide_WhenTheVmWasCreatedAgainBeforeItsDeleteWasProcessed_ShouldStillOffboardTheOldVmId() =>
        Assert.Equal(WorkflowStep.Claim, _decider.Decide(Deleted(Record(OnboardingStatus.Succeeded)) with { Rule = DefaultMatch, Vm = Vm(Guid.NewGuid()) }, Now).Step);

    [Fact]
    public void Decide_WhenTheDeletedVmsRuleNamesNoOffboarding_ShouldCompleteAsIgnored_NamingTheRule()
    {
        var onboardOnly = new RuleMatch(DefaultMatch.Rule! with { Offboarding = null }, [], []);

        var decision = _decider.Decide(Deleted(Record(OnboardingStatus.Succeeded)) with { Rule = onboardOnly }, Now).Decision!;

        Assert.Equal("NoOffboardingAction:Default", decision.Reason.Render());
    }

    [Fact]
    public void Decide_WhenAnOffboardingFails_ShouldKeepTheRecordOffboardable()
    {
        var facts = Deleted(Record(OnboardingStatus.Succeeded)) with
        {
            Rule = DefaultMatch,
            VmGone = ErrorIds.VmNotFound,
            Claim = new Claim(true, Record(OnboardingStatus.Offboarding, updated: Now), false),
            Failure = Transient(ErrorIds.RunbookJobFailed),
            FailedStep = "Offboarding",
        };

        var decision = _decider.Decide(facts, Now).Decision!;

        Assert.Equal((VmEventOutcome.RetryScheduled, (OnboardingStatus?)OnboardingStatus.OffboardingFailed), (decision.Outcome, decision.Record));
    }

    [Fact]
    public void Decide_WhenAnOffboardingFailsBeforeItsClaim_ShouldWriteNoRecord()
    {
        var facts = Deleted(Record(OnboardingStatus.Succeeded)) with { Rule = DefaultMatch, Failure = Transient(), FailedStep = "VmLookup" };

        var decision = _decider.Decide(facts, Now).Decision!;

        Assert.Equal((VmEventOutcome.RetryScheduled, (OnboardingStatus?)null), (decision.Outcome, decision.Record));
    }

    [Theory]
    [InlineData(OnboardingStatus.Succeeded, 1, ReasonCodes.InProgressElsewhere)]
    [InlineData(OnboardingStatus.InProgress, 1, ReasonCodes.InProgressElsewhere)]
    [InlineData(OnboardingStatus.OffboardingFailed, 60, ReasonCodes.InProgressElsewhere)]
    [InlineData(OnboardingStatus.Offboarding, 1, ReasonCodes.InProgressElsewhere)]
    [InlineData(OnboardingStatus.Offboarded, 60, ReasonCodes.AlreadyOffboarded)]
    public void Decide_WhenAnOffboardingLosesItsClaim_ShouldStop_WithoutAnyRecord(OnboardingStatus winner, int minutesAgo, string reason)
    {
        var facts = Deleted(Record(OnboardingStatus.Succeeded)) with
        {
            Rule = DefaultMatch,
            VmGone = ErrorIds.VmNotFound,
            Claim = new Claim(false, Record(winner, updated: Now.AddMinutes(-minutesAgo)), false),
        };

        var decision = _decider.Decide(facts, Now).Decision!;

        Assert.Equal((VmEventOutcome.Ignored, Route.Complete, reason, (OnboardingStatus?)null), (decision.Outcome, decision.Route, decision.Reason.Code, decision.Record));
    }

    [Fact]
    public void Decide_WhenAnOffboardingLosesItsClaimToAStaleOffboardingOfTheSameVmId_ShouldTakeItOver()
    {
        var stale = Deleted(Record(OnboardingStatus.Succeeded)) with { Rule = DefaultMatch, VmGone = ErrorIds.VmNotFound, Claim = new Claim(false, Record(OnboardingStatus.Offboarding, updated: Now.AddHours(-1)), false) };
        var otherVmId = stale with { Claim = new Claim(false, Record(OnboardingStatus.Offboarding, updated: Now.AddHours(-1), vmId: Guid.NewGuid()), false) };

        Assert.Equal(WorkflowStep.RunAction, _decider.Decide(stale, Now).Step);
        Assert.Equal(ReasonCodes.InProgressElsewhere, _decider.Decide(otherVmId, Now).Decision!.Reason.Code);
    }

    [Fact]
    public void Decide_WhenAVmOffboardedUnderAnOldVmIdIsCreatedAgain_ShouldOnboardTheNewOne() =>
        Assert.Equal(WorkflowStep.Claim, _decider.Decide(Known(Record(OnboardingStatus.Offboarded), Vm(Guid.NewGuid())), Now).Step);
}
