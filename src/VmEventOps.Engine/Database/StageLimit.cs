using System.Data.Common;

namespace VmEventOps.Engine.Database;

/// <summary>
/// Holds every stage of a check to its time limit, whatever the driver or server does. A driver's own timeouts do not
/// do it: SqlClient's cancellation waits for the server to acknowledge an attention, Npgsql's and MySqlConnector's send
/// a cancel request on another connection and wait for the query to end, a name lookup cannot be cancelled at all. So
/// the check stops waiting when the limit passes, and the work it waited for is abandoned: its outcome is observed (no
/// unobserved task exception) and its connection closed when it ends — at the latest after <see cref="AbandonGrace"/>.
/// </summary>
internal static class StageLimit
{
    /// <summary>
    /// How long an abandoned driver call may go on before its connection is closed under it. SqlClient, cancelled,
    /// waits for the server's attention acknowledgement without end: against a stalled server it is this close that
    /// ends it (measured: the socket closes at this grace, not before).
    /// </summary>
    public static readonly TimeSpan AbandonGrace = TimeSpan.FromSeconds(10);

    /// <summary>How long closing a connection that ended normally may take before it is left to finish on its own.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(1);

    /// <summary>The outcome of <paramref name="operation"/>, or an OperationCanceledException as soon as <paramref name="limit"/> passes.</summary>
    public static Task<T> WithinAsync<T>(Task<T> operation, CancellationToken limit)
    {
        Observe(operation);
        return operation.WaitAsync(limit);
    }

    /// <inheritdoc cref="WithinAsync{T}(Task{T}, CancellationToken)"/>
    public static Task WithinAsync(Task operation, CancellationToken limit)
    {
        Observe(operation);
        return operation.WaitAsync(limit);
    }

    /// <summary>
    /// Closes <paramref name="connection"/>: at once when nothing is running on it; when <paramref name="pending"/> (the
    /// call the check stopped waiting for) still runs, once it ends or the grace period passes, without waiting for it.
    /// </summary>
    public static async Task ReleaseAsync(DbConnection connection, Task? pending)
    {
        if (pending is { IsCompleted: false })
        {
            Observe(CloseAfterAsync(connection, pending));
            return;
        }

        var closing = connection.DisposeAsync().AsTask();
        Observe(closing);
        try
        {
            await closing.WaitAsync(CloseGrace).ConfigureAwait(false);
        }
        catch (Exception) when (!closing.IsCompleted || closing.IsFaulted)
        {
            // A close that hangs (a server that stopped reading) finishes on its own, and one that fails changes nothing:
            // the check's result is made already.
        }
    }

    private static async Task CloseAfterAsync(DbConnection connection, Task pending)
    {
        await Task.WhenAny(pending, Task.Delay(AbandonGrace)).ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    // A failure nobody waits for any more (the check returned Timeout) is read here, so it never surfaces as an
    // unobserved task exception; its text is the driver's and stays in the process.
    private static void Observe(Task task) => task.ContinueWith(
        static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
