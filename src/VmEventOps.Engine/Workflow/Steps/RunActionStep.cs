using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow.Actions;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow.Steps;

/// <summary>
/// Runs the matching rule's action for the VM as a stage of its own: its onboarding runbook (told whether the VM is known
/// to be new, so its idempotency read can be skipped), or — for a deleted VM — its offboarding runbook with the last
/// known facts. <paramref name="fixedAction"/> replaces the onboarding runbook of every rule (tests).
/// </summary>
internal sealed class RunActionStep(IOnboardingAction? fixedAction) : IWorkflowStep
{
    public string? Stage => null;

    public async Task<OnboardingFacts> RunAsync(OnboardingFacts facts, AttemptContext context, CancellationToken cancellationToken)
    {
        var rule = facts.Rule!.Rule!;
        var action = facts.Offboarding ? RunbookAction.Offboard(rule.Offboarding!) : fixedAction ?? RunbookAction.For(rule.Action!);
        var knownNew = facts.Claim is { FirstClaim: true } && !facts.Force;
        var vm = new VmFacts(facts.KnownVm!, facts.Event);
        var job = await context.Stages.RunAsync(action.Name, () => action.RunAsync(vm, new ActionContext(context.Arm, knownNew, context.TraceId, context.Deferral), cancellationToken)).ConfigureAwait(false);
        return facts with { Job = job };
    }
}
