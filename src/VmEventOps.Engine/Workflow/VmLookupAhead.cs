namespace VmEventOps.Engine.Workflow;

/// <summary>
/// The VM's lookup started beside the state read of an attempt (the two do not depend on each other, and a new VM needs
/// both): the decider takes its facts when it asks for the lookup. When the attempt ends without asking (another worker
/// holds the VM, the state read failed), the lookup is cancelled and waited for, so nothing of it outlives the attempt.
/// </summary>
internal sealed class VmLookupAhead(CancellationToken attempt) : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancel = CancellationTokenSource.CreateLinkedTokenSource(attempt);
    private Task<OnboardingFacts>? _lookup;

    /// <summary>The lookup's token: the attempt's, cancelled too when the attempt ends without the lookup.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>True once started (and until taken).</summary>
    public bool Started => _lookup is not null;

    public void Start(Func<Task<OnboardingFacts>> lookup) => _lookup ??= lookup();

    /// <summary>The lookup's facts; once.</summary>
    public Task<OnboardingFacts> TakeAsync()
    {
        var lookup = _lookup ?? throw new InvalidOperationException("No lookup was started.");
        _lookup = null;
        return lookup;
    }

    /// <summary>What the lookup learnt (the VM, or that it is gone, or its failure), on the facts the attempt has now.</summary>
    public static OnboardingFacts Merge(OnboardingFacts now, OnboardingFacts looked) => looked.Failure is { } failure && now.Failure is null
        ? now with { Vm = looked.Vm, VmGone = looked.VmGone, Failure = failure, FailedStep = looked.FailedStep }
        : now with { Vm = looked.Vm, VmGone = looked.VmGone };

    public async ValueTask DisposeAsync()
    {
        if (_lookup is { } abandoned)
        {
            await _cancel.CancelAsync().ConfigureAwait(false);
            try
            {
                await abandoned.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Cancelled with the attempt that did not need it.
            }
        }

        _cancel.Dispose();
    }
}
