using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Reconcile;

/// <summary>
/// The pure decision of the compliance view and the sweep: a VM as ARM lists it and its onboarding record (or none) give
/// one status, a reason and whether the sweep queues an event for it. No I/O: tested as a table.
/// </summary>
public static class ComplianceRules
{
    /// <summary>
    /// Classifies one VM at <paramref name="now"/>; a record untouched for <paramref name="staleAfter"/> (or past its retry by
    /// that much) is stale. With <paramref name="rules"/>, a VM the workflow would leave alone — its rule says Skip, or rules
    /// are configured and none matches it — is Skipped (no event queued for it), unless its record says it was onboarded.
    /// </summary>
    public static VmComplianceRecord Classify(ArmVmSummary vm, OnboardingState? state, string scope, DateTimeOffset now, TimeSpan staleAfter, bool requeueDeadLettered, Rules.RuleSet? rules = null)
    {
        var record = new VmComplianceRecord
        {
            VmResourceId = vm.Id.Value,
            VmName = vm.Id.Name,
            Scope = scope,
            VmId = vm.VmId,
            ProvisioningState = vm.ProvisioningState,
            Status = ComplianceStatus.Missing,
            Reason = "NeverSeen",
            TraceId = state?.TraceId,
            Attempts = state?.Attempts ?? 0,
            JobId = state?.JobId,
            UpdatedOn = state?.UpdatedOn,
            NextAttemptOn = state?.NextAttemptOn,
            Age = state?.UpdatedOn is { } updated ? Positive(now - updated) : null,
        };

        // Nothing to onboard in a VM being deleted or whose write failed: its own next successful write raises an event.
        var onboardable = !string.Equals(vm.ProvisioningState, "Deleting", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(vm.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase);

        var sameVm = state is not null && !(state.VmId is { } earlier && vm.VmId is { } current && earlier != current);
        if (rules is not null && !(sameVm && state!.State == OnboardingStatus.Succeeded)
            && Rules.RuleMatcher.Match(rules.Rules, new Rules.RuleSubject(vm.Id, VmEventKind.Created, vm.Tags, vm.OsType, vm.Location)) is { } match
            && (match.Rule is null || match.Rule.IsSkip))
        {
            return record with
            {
                Status = ComplianceStatus.Skipped,
                Reason = match.Rule is { } skip ? $"Skipped:{skip.Name}: {skip.SkipReason}" : Errors.ReasonCodes.NoRuleMatched,
                Age = null,
                NeedsEvent = false,
            };
        }

        if (state is null || (state.VmId is { } recorded && vm.VmId is { } listed && recorded != listed))
        {
            return record with
            {
                Reason = state is null
                    ? (onboardable ? "NeverSeen" : $"NeverSeen (provisioningState {vm.ProvisioningState})")
                    : $"Recreated: the record is of an earlier VM of this name (vmId {state.VmId})",
                Age = vm.TimeCreated is { } created ? Positive(now - created) : null,
                Attempts = 0,
                JobId = null,
                TraceId = null,
                NeedsEvent = onboardable,
            };
        }

        var since = state.UpdatedOn ?? now;
        switch (state.State)
        {
            case OnboardingStatus.Succeeded:
                return record with { Status = ComplianceStatus.Onboarded, Reason = $"Onboarded {since:u}" };
            case OnboardingStatus.InProgress or OnboardingStatus.RunbookStarted:
                var what = state.State == OnboardingStatus.RunbookStarted ? $"RunbookStarted, job {state.JobId}" : "Claimed by a worker";
                return now - since > staleAfter
                    ? record with { Status = ComplianceStatus.InProgress, Reason = $"Stale: {what}, nothing since {since:u}; queued again", NeedsEvent = onboardable }
                    : record with { Status = ComplianceStatus.InProgress, Reason = what };
            case OnboardingStatus.Failed:
                var due = state.NextAttemptOn ?? since;
                var error = string.IsNullOrEmpty(state.LastError) ? "attempt failed" : state.LastError;
                return now - due > staleAfter
                    ? record with { Status = ComplianceStatus.RetryScheduled, Reason = $"Stale: retry was due {due:u}; queued again. {error}", NeedsEvent = onboardable }
                    : record with { Status = ComplianceStatus.RetryScheduled, Reason = $"Next attempt {due:u}. {error}" };
            case OnboardingStatus.Offboarding or OnboardingStatus.Offboarded or OnboardingStatus.OffboardingFailed:
                // Its deletion was seen (and ARM lists it still, deleting): onboarded until it is gone.
                return record with { Status = ComplianceStatus.Onboarded, Reason = $"{state.State} {since:u}" };
            default:
                return record with
                {
                    Status = ComplianceStatus.DeadLettered,
                    Reason = string.IsNullOrEmpty(state.LastError) ? "DeadLettered" : state.LastError,
                    NeedsEvent = requeueDeadLettered && onboardable,
                };
        }
    }

    private static TimeSpan Positive(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;
}
