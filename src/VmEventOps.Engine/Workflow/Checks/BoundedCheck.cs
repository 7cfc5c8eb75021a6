using System.Diagnostics;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// A rule's check within its limits: it ends by its time limit (TimedOut), whether or not it heeds its token; what it
/// throws is an Error result, classified by <see cref="FailureClassifier"/>; and a failure is worth another attempt only
/// when the rule says so. Its kind and time are kept in the result.
/// </summary>
internal sealed class BoundedCheck(IVmCheck inner, CheckSpec spec) : IVmCheck
{
    /// <summary>How long past its limit a check that does not heed its token is waited for.</summary>
    internal static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    public string Name => spec.Name;

    public async Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var hard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (spec.Timeout > TimeSpan.Zero)
        {
            limit.CancelAfter(spec.Timeout);
            // The check is told at its limit and may say why it stopped (a script that never started); one that does not
            // heed its token is left at the limit plus this grace.
            hard.CancelAfter(spec.Timeout + Grace);
        }

        CheckResult result;
        try
        {
            // WaitAsync holds the limit even for a check that does not heed its token (a resolver, a driver, a script host).
            result = await inner.RunAsync(vm, limit.Token).WaitAsync(hard.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = CheckResult.Error(Name, $"timed out after {spec.Timeout.TotalSeconds:0.#} s",
                new Failure(ErrorIds.CheckTimedOut, VmErrorCategory.OperationTimeout, spec.Retryable, null, $"{Name} did not end within {spec.Timeout.TotalSeconds:0.#} s."), CheckStatus.TimedOut);
        }
        catch (VmEventOpsException e) when (e.ErrorId == ErrorIds.CheckTimedOut)
        {
            // A check that timed out before it could start (its turn never came): retryable whatever the rule says.
            result = CheckResult.Error(Name, $"timed out after {spec.Timeout.TotalSeconds:0.#} s", Failure.Of(e), CheckStatus.TimedOut);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The one classifier says what is transient (a dropped connection is, a bug is not); the id says a check could not run.
            var failure = e is VmEventOpsException known ? Failure.Of(known) : FailureClassifier.Classify(e) with { ErrorId = ErrorIds.CheckError, Message = $"{e.GetType().Name}: {e.Message}" };
            result = CheckResult.Error(Name, "error", failure with { IsTransient = failure.IsTransient && spec.Retryable });
        }

        return result with { Kind = spec.Kind.ToString(), ElapsedMs = watch.ElapsedMilliseconds };
    }
}
