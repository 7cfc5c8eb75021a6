using System.Diagnostics;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow.Steps;

/// <summary>
/// Runs the matching rule's checks in order, each as a stage of its own, and stops at the first that does not pass; a
/// check that throws did not pass.
/// </summary>
internal sealed class RunChecksStep(Func<OnboardingRule, IReadOnlyList<IVmCheck>> checksOf) : IWorkflowStep
{
    public string? Stage => null;

    public async Task<OnboardingFacts> RunAsync(OnboardingFacts facts, AttemptContext context, CancellationToken cancellationToken)
    {
        var checks = checksOf(facts.Rule!.Rule!);
        var results = new List<CheckResult>(checks.Count);
        var vm = new VmFacts(facts.Vm!, facts.Event);
        foreach (var check in checks)
        {
            CheckResult result;
            var watch = Stopwatch.StartNew();
            try
            {
                result = await context.Stages.RunAsync(check.Name, () => check.RunAsync(vm, cancellationToken), r => r.Passed ? null : r.Failure?.ErrorId).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                result = CheckResult.Error(check.Name, null, FailureClassifier.Classify(e));
            }

            results.Add(result.ElapsedMs > 0 ? result : result with { ElapsedMs = watch.ElapsedMilliseconds });
            if (!result.Passed) break;
        }

        return facts with { Checks = results };
    }
}
