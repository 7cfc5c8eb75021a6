using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Workflow.Steps;

/// <summary>Looks the VM and its NIC's private IP up in ARM; a VM gone or being deleted is a fact, not a failure.</summary>
internal sealed class LookupVmStep : IWorkflowStep
{
    public string Stage => "VmLookup";

    public async Task<OnboardingFacts> RunAsync(OnboardingFacts facts, AttemptContext context, CancellationToken cancellationToken)
    {
        try
        {
            return facts with { Vm = await context.Arm.GetVmNetworkInfoAsync(facts.VmResourceId, cancellationToken).ConfigureAwait(false) };
        }
        catch (VmEventOpsException e) when (e.ErrorId is ErrorIds.VmNotFound or ErrorIds.VmDeleting)
        {
            return facts with { VmGone = e.ErrorId };
        }
    }
}
