namespace VmEventOps.Engine.Workflow;

/// <summary>
/// One message's hold on a worker slot: released once, whichever comes first (its routing begins, or it ends), and only
/// when it was taken (a message given back before its turn never frees another's slot).
/// </summary>
internal sealed class SlotHold(SemaphoreSlim slots)
{
    private int _state;   // 0 not taken, 1 held, 2 released

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _state, 1);
    }

    public void Release()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) == 1) slots.Release();
    }
}
