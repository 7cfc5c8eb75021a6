using System.Diagnostics;
using VmEventOps.Engine.Diagnostics;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// A rule's check within its limits: it ends by its time limit (TimedOut), what it throws is an Error result, and a
/// failure is worth another attempt only when the rule says so. Its kind and time are kept in the result.
/// </summary>
internal sealed class BoundedCheck(IVmCheck inner, CheckSpec spec) : IVmCheck
{
    public string Name => spec.Name;

    public async Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (spec.Timeout > TimeSpan.Zero) limit.CancelAfter(spec.Timeout);
        CheckResult result;
        try
        {
            result = await inner.RunAsync(vm, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = CheckResult.Error(Name, $"timed out after {spec.Timeout.TotalSeconds:0.#} s",
                new Failure(ErrorIds.CheckTimedOut, VmErrorCategory.OperationTimeout, spec.Retryable, null, $"{Name} did not end within {spec.Timeout.TotalSeconds:0.#} s."), CheckStatus.TimedOut);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var failure = e is VmEventOpsException known ? Failure.Of(known) : new Failure(ErrorIds.CheckError, VmErrorCategory.NotSpecified, false, null, $"{e.GetType().Name}: {e.Message}");
            result = CheckResult.Error(Name, "error", failure with { IsTransient = failure.IsTransient && spec.Retryable });
        }

        return result with { Kind = spec.Kind.ToString(), ElapsedMs = watch.ElapsedMilliseconds };
    }
}
