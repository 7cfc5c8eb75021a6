using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Workflow.Steps;

/// <summary>
/// An onboarding's first step: inserts the VM's record as this attempt's InProgress claim. Inserted, the VM had no
/// record (a new VM: one table operation instead of a read and an insert); refused, a record is there and is read for
/// the decider, which then decides as after a read and claims it on its ETag when it goes on.
/// </summary>
internal sealed class ClaimFirstStep(OnboardingStateStore state) : IWorkflowStep
{
    // The stage that establishes the record, as the read it replaces did; a claim on a record that was there is "Claim".
    public string Stage => "State";

    public async Task<OnboardingFacts> RunAsync(OnboardingFacts facts, AttemptContext context, CancellationToken cancellationToken)
    {
        var vm = facts.VmResourceId;
        var claimed = await state.TryWriteAsync(vm, new OnboardingState
        {
            VmResourceId = vm.Value, State = OnboardingStatus.InProgress, Attempts = facts.Attempt, FirstSeen = context.FirstSeen, TraceId = context.TraceId,
            ClaimedBy = facts.Claimant,
        }, previous: null, cancellationToken).ConfigureAwait(false);
        if (claimed is not null) return facts with { StateRead = true, Claim = new Claim(true, claimed, FirstClaim: true) };
        return facts with { StateRead = true, State = await state.GetAsync(vm, cancellationToken).ConfigureAwait(false) };
    }
}
