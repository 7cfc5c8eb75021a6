using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Reconcile;

/// <summary>The pure decision of the compliance view and the sweep: a listed VM and its record give one status and whether an event is queued.</summary>
public sealed class ComplianceRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromDays(1);
    private static readonly Guid VmId = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly ArmVmSummary Vm = new(
        VmResourceId.Parse("/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01"),
        VmId, "westeurope", "Succeeded", Now.AddHours(-5));

    private static OnboardingState Record(OnboardingStatus state, DateTimeOffset updated, Guid? vmId = null, DateTimeOffset? due = null) => new()
    {
        VmResourceId = Vm.Id.Value, VmId = vmId ?? VmId, State = state, Attempts = 2, UpdatedOn = updated, NextAttemptOn = due, LastError = "VmDbCheckFailed: down", TraceId = "0af7651916cd43dd8448eb211c80319c",
    };

    private static VmComplianceRecord Classify(ArmVmSummary vm, OnboardingState? state, bool requeueDeadLettered = false) =>
        ComplianceRules.Classify(vm, state, "/subscriptions/11111111-2222-3333-4444-555555555555", Now, StaleAfter, requeueDeadLettered);

    [Fact]
    public void Classify_WithoutARecord_ShouldBeMissingNeverSeenAgedFromItsCreationAndNeedAnEvent()
    {
        var record = Classify(Vm, null);

        Assert.Equal(ComplianceStatus.Missing, record.Status);
        Assert.Equal("NeverSeen", record.Reason);
        Assert.Equal(TimeSpan.FromHours(5), record.Age);
        Assert.True(record.NeedsEvent);
    }

    [Fact]
    public void Classify_WithARecordOfAnEarlierVmOfTheSameName_ShouldBeMissingRecreated()
    {
        var record = Classify(Vm, Record(OnboardingStatus.Succeeded, Now.AddDays(-30), vmId: Guid.NewGuid()));

        Assert.Equal(ComplianceStatus.Missing, record.Status);
        Assert.StartsWith("Recreated", record.Reason);
        Assert.True(record.NeedsEvent);
        Assert.Null(record.TraceId);
    }

    [Fact]
    public void Classify_Succeeded_ShouldBeOnboardedWithItsTraceAndNoEvent()
    {
        var record = Classify(Vm, Record(OnboardingStatus.Succeeded, Now.AddHours(-2)));

        Assert.Equal(ComplianceStatus.Onboarded, record.Status);
        Assert.Equal(TimeSpan.FromHours(2), record.Age);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", record.TraceId);
        Assert.False(record.NeedsEvent);
    }

    [Theory]
    [InlineData(OnboardingStatus.InProgress)]
    [InlineData(OnboardingStatus.RunbookStarted)]
    public void Classify_ClaimedRecently_ShouldBeInProgressWithoutAnEvent(OnboardingStatus state)
    {
        var record = Classify(Vm, Record(state, Now.AddMinutes(-10)));

        Assert.Equal(ComplianceStatus.InProgress, record.Status);
        Assert.False(record.NeedsEvent);
    }

    [Fact]
    public void Classify_InProgressForLongerThanStaleAfter_ShouldBeStaleAndNeedAnEvent()
    {
        var record = Classify(Vm, Record(OnboardingStatus.InProgress, Now.AddDays(-2)));

        Assert.Equal(ComplianceStatus.InProgress, record.Status);
        Assert.StartsWith("Stale", record.Reason);
        Assert.True(record.NeedsEvent);
    }

    [Fact]
    public void Classify_FailedWithARetryDue_ShouldBeRetryScheduledWithTheErrorAndNoEvent()
    {
        var record = Classify(Vm, Record(OnboardingStatus.Failed, Now.AddMinutes(-5), due: Now.AddMinutes(10)));

        Assert.Equal(ComplianceStatus.RetryScheduled, record.Status);
        Assert.Contains("VmDbCheckFailed", record.Reason);
        Assert.False(record.NeedsEvent);
    }

    [Fact]
    public void Classify_FailedWithARetryLongOverdue_ShouldNeedAnEvent()
    {
        var record = Classify(Vm, Record(OnboardingStatus.Failed, Now.AddDays(-3), due: Now.AddDays(-2)));

        Assert.Equal(ComplianceStatus.RetryScheduled, record.Status);
        Assert.True(record.NeedsEvent);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Classify_DeadLettered_ShouldNeedAnEventOnlyWhenAsked(bool requeue, bool needsEvent)
    {
        var record = Classify(Vm, Record(OnboardingStatus.DeadLettered, Now.AddDays(-1)), requeue);

        Assert.Equal(ComplianceStatus.DeadLettered, record.Status);
        Assert.Equal("VmDbCheckFailed: down", record.Reason);
        Assert.Equal(needsEvent, record.NeedsEvent);
    }

    [Theory]
    [InlineData("Deleting")]
    [InlineData("Failed")]
    public void Classify_AVmBeingDeletedOrWhoseWriteFailed_ShouldBeMissingWithoutAnEvent(string provisioningState)
    {
        var record = Classify(Vm with { ProvisioningState = provisioningState }, null);

        Assert.Equal(ComplianceStatus.Missing, record.Status);
        Assert.Contains(provisioningState, record.Reason);
        Assert.False(record.NeedsEvent);
    }

    [Fact]
    public void Classify_NeverGivesSkipped_UntilRulesExist()
    {
        var states = Enum.GetValues<OnboardingStatus>().Select(s => (OnboardingState?)Record(s, Now.AddDays(-3), due: Now.AddDays(-3))).Append(null);

        Assert.DoesNotContain(states, s => Classify(Vm, s).Status == ComplianceStatus.Skipped);
    }

    private static readonly Engine.Configuration.VmEventOptions RuleOptions = new()
    {
        AutomationAccountId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/aa-onboarding",
        RunbookName = "Onboard-Vm",
    };

    private static VmComplianceRecord ClassifyWith(string? rules, ArmVmSummary vm, OnboardingState? state = null) =>
        ComplianceRules.Classify(vm, state, "/subscriptions/11111111-2222-3333-4444-555555555555", Now, StaleAfter, false, Engine.Rules.RuleSet.From(RuleOptions with { Rules = rules }));

    [Fact]
    public void Classify_AVmWhoseRuleSaysSkip_ShouldBeSkippedWithTheRuleAndItsReason_AndNeedNoEvent()
    {
        var sandbox = Vm with { Tags = new Dictionary<string, string> { ["env"] = "sandbox-3" }, OsType = "Linux" };

        var record = ClassifyWith("""[{ "Name": "sandbox", "Match": { "Tags": ["env=sandbox*"] }, "Skip": "sandboxes are not onboarded" }, { "Name": "all" }]""", sandbox);

        Assert.Equal((ComplianceStatus.Skipped, "Skipped:sandbox: sandboxes are not onboarded", false), (record.Status, record.Reason, record.NeedsEvent));
    }

    [Fact]
    public void Classify_AVmTaggedToBeSkipped_ShouldBeSkippedByTheBuiltInRule_EvenWithoutRulesConfigured_WhenSkipTagIsSet()
    {
        var tagged = Vm with { Tags = new Dictionary<string, string> { ["vmeventops:skip"] = "true" } };
        var rules = Engine.Rules.RuleSet.From(RuleOptions with { Rules = null, SkipTag = "vmeventops:skip=true" });

        Assert.Equal(ComplianceStatus.Skipped, ComplianceRules.Classify(tagged, null, "/subscriptions/11111111-2222-3333-4444-555555555555", Now, StaleAfter, false, rules).Status);
        Assert.NotEqual(ComplianceStatus.Skipped, ClassifyWith(null, tagged).Status);
    }

    [Fact]
    public void Classify_AVmNoConfiguredRuleMatches_ShouldBeSkippedNoRuleMatched() =>
        Assert.Equal(("NoRuleMatched", false), (ClassifyWith("""[{ "Name": "windows", "Match": { "OsType": "Windows" } }]""", Vm with { OsType = "Linux" }) is var r ? (r.Reason, r.NeedsEvent) : default));

    [Fact]
    public void Classify_AnOnboardedVmARuleNowSkips_ShouldStayOnboarded() =>
        Assert.Equal(ComplianceStatus.Onboarded, ClassifyWith("""[{ "Name": "none", "Skip": true }]""", Vm, Record(OnboardingStatus.Succeeded, Now.AddDays(-1))).Status);

    [Fact]
    public void Classify_WithTheDefaultRuleOnly_ShouldClassifyAsWithoutRules() =>
        Assert.Equal((ComplianceStatus.Missing, true), (ClassifyWith(null, Vm).Status, ClassifyWith(null, Vm).NeedsEvent));

    [Fact]
    public void Classify_AVmWhoseDeletionIsBeingOffboarded_ShouldNotBeDeadLettered() =>
        Assert.Equal(ComplianceStatus.Onboarded, Classify(Vm, Record(OnboardingStatus.Offboarding, Now.AddMinutes(-1))).Status);
}
