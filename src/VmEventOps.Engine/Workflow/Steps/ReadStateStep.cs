using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Workflow.Steps;

/// <summary>Reads the VM's onboarding record.</summary>
internal sealed class ReadStateStep(OnboardingStateStore state) : IWorkflowStep
{
    public string Stage => "State";

    public async Task<OnboardingFacts> RunAsync(OnboardingFacts facts, AttemptContext context, CancellationToken cancellationToken) =>
        facts with { StateRead = true, State = await state.GetAsync(facts.VmResourceId, cancellationToken).ConfigureAwait(false) };
}
