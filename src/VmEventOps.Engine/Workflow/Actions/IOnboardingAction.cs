using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow.Actions;

/// <summary>
/// What onboarding does for a VM once its checks passed: one type per kind of action, run as a stage of its own (named
/// <see cref="Name"/>). It must be idempotent: a repeat (a retry, a duplicate event) finds what an earlier run started.
/// </summary>
public interface IOnboardingAction
{
    /// <summary>The action's stage name in results, traces and the history ("Runbook").</summary>
    string Name { get; }

    /// <summary>Runs the action for the VM and returns the job it started or found.</summary>
    Task<VmRunbookJob> RunAsync(VmFacts vm, ActionContext context, CancellationToken cancellationToken);
}
