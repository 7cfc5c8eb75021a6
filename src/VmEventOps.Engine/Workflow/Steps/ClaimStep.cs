using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Workflow.Steps;

/// <summary>
/// Claims the VM: its record written InProgress on the ETag of the record read, so of two workers racing on one VM one
/// wins; the loser reads the winner's record for the decider.
/// </summary>
internal sealed class ClaimStep(OnboardingStateStore state, OnboardingDecider decider) : IWorkflowStep
{
    public string Stage => "Claim";

    public async Task<OnboardingFacts> RunAsync(OnboardingFacts facts, AttemptContext context, CancellationToken cancellationToken)
    {
        var vm = facts.VmResourceId;
        // An offboarding claims the record of the vmId it offboards, keeping its last known facts.
        var known = facts.KnownVm!;
        var claimed = await state.TryWriteAsync(vm, new OnboardingState
        {
            VmResourceId = vm.Value, VmId = known.VmId, State = facts.Offboarding ? OnboardingStatus.Offboarding : OnboardingStatus.InProgress,
            Attempts = decider.AttemptOf(facts), FirstSeen = facts.State?.FirstSeen ?? context.FirstSeen, TraceId = context.TraceId, JobId = facts.Offboarding ? facts.State?.JobId : null,
            Vm = known, Rule = facts.Rule?.Rule?.Name, ClaimedBy = facts.Claimant,
        }, facts.State, cancellationToken).ConfigureAwait(false);
        if (claimed is not null)
        {
            // No record of this VM before our claim: no earlier attempt can have started its job.
            return facts with { Claim = new Claim(true, claimed, FirstClaim: facts.State is null && !facts.Offboarding) };
        }

        var winner = await state.GetAsync(vm, cancellationToken).ConfigureAwait(false);
        return facts with { Claim = new Claim(false, winner, FirstClaim: false) };
    }
}
