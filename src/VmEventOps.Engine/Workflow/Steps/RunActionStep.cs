using VmEventOps.Engine.Workflow.Actions;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow.Steps;

/// <summary>Runs the onboarding action (a runbook job) for the VM, told whether the VM is known to be new so its idempotency read can be skipped.</summary>
internal sealed class RunActionStep(IOnboardingAction action) : IWorkflowStep
{
    public string Stage => action.Name;

    public async Task<OnboardingFacts> RunAsync(OnboardingFacts facts, AttemptContext context, CancellationToken cancellationToken)
    {
        var knownNew = facts.Claim is { FirstClaim: true } && !facts.Force;
        var job = await action.RunAsync(new VmFacts(facts.Vm!, facts.Event), new ActionContext(context.Arm, knownNew, context.TraceId, context.Deferral), cancellationToken).ConfigureAwait(false);
        return facts with { Job = job };
    }
}
