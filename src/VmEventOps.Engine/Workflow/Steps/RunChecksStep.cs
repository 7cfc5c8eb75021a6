using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow.Steps;

/// <summary>Runs the checks in order, each as a stage of its own, and stops at the first that does not pass; a check that throws did not pass.</summary>
internal sealed class RunChecksStep(IReadOnlyList<IVmCheck> checks) : IWorkflowStep
{
    public string? Stage => null;

    public async Task<OnboardingFacts> RunAsync(OnboardingFacts facts, AttemptContext context, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>(checks.Count);
        var vm = new VmFacts(facts.Vm!, facts.Event);
        foreach (var check in checks)
        {
            CheckResult result;
            try
            {
                result = await context.Stages.RunAsync(check.Name, () => check.RunAsync(vm, cancellationToken), r => r.Passed ? null : r.Failure?.ErrorId).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                result = CheckResult.Fail(check.Name, null, FailureClassifier.Classify(e));
            }

            results.Add(result);
            if (!result.Passed) break;
        }

        return facts with { Checks = results };
    }
}
