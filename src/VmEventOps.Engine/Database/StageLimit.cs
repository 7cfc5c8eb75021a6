using System.Data.Common;

namespace VmEventOps.Engine.Database;

/// <summary>
/// Holds every stage of a check to its time limit, whatever the driver or server does. A driver's own timeouts do not
/// do it: SqlClient's cancellation waits for the server to acknowledge an attention, Npgsql's and MySqlConnector's send
/// a cancel request on another connection and wait for the query to end, a name lookup cannot be cancelled at all. So
/// the check stops waiting when the limit passes (on a timer of its own), and the work it waited for is abandoned: the
/// driver is cancelled, its outcome observed (no unobserved task exception) and its connection closed when it ends — at
/// the latest after <see cref="AbandonGrace"/>.
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

    /// <summary>
    /// The outcome of <paramref name="operation"/>, or an OperationCanceledException as soon as <paramref name="left"/> has
    /// passed. The deadline runs on a timer of its own: a driver may do slow work inside the callback it registered on the
    /// cancelled token (MySqlConnector opens its KILL QUERY connection there), which must not hold the check back.
    /// </summary>
    public static async Task<T> WithinAsync<T>(Task<T> operation, TimeSpan left, CancellationToken cancellationToken)
    {
        await WithinAsync((Task)operation, left, cancellationToken).ConfigureAwait(false);
        return await operation.ConfigureAwait(false);
    }

    /// <inheritdoc cref="WithinAsync{T}(Task{T}, TimeSpan, CancellationToken)"/>
    public static async Task WithinAsync(Task operation, TimeSpan left, CancellationToken cancellationToken)
    {
        Observe(operation);
        try
        {
            await operation.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!operation.IsCompleted)
        {
            throw new OperationCanceledException("The check's time limit passed before the stage ended.");
        }
    }

    /// <summary>Closes a connection nothing runs on any more; a close that takes longer than <see cref="CloseGrace"/> finishes on its own.</summary>
    public static async Task CloseAsync(DbConnection connection)
    {
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

    /// <summary>
    /// Leaves <paramref name="pending"/> (the call the check stopped waiting for) behind, without waiting for it: on a
    /// thread of its own, the driver's token is cancelled — only now, so that whatever the driver does in its cancel
    /// callback (MySqlConnector opens a connection for KILL QUERY, synchronously) happens after the check returned —
    /// then the connection is closed once the call ends, or under it after <see cref="AbandonGrace"/>. Owns
    /// <paramref name="connection"/> and <paramref name="driverCalls"/> from here on.
    /// </summary>
    public static void Abandon(Task pending, DbConnection? connection, CancellationTokenSource driverCalls) =>
        Observe(Task.Run(async () =>
        {
            try
            {
                await driverCalls.CancelAsync().ConfigureAwait(false);
                await Task.WhenAny(pending, Task.Delay(AbandonGrace)).ConfigureAwait(false);
                if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                driverCalls.Dispose();
            }
        }));

    // A failure nobody waits for any more (the check returned Timeout) is read here, so it never surfaces as an
    // unobserved task exception; its text is the driver's and stays in the process.
    private static void Observe(Task task) => task.ContinueWith(
        static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
