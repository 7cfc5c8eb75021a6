using System.Management.Automation;
using System.Runtime.CompilerServices;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// The base of every cmdlet: owns the cancellation token (Ctrl+C cancels it), the one blocking
/// bridge to the async engine, the drain of engine messages onto the pipeline thread, and the
/// translation of failures into ErrorRecords.
/// </summary>
public abstract class VmEventOpsCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private PipelineHostLog? _log;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    internal PipelineHostLog Log => _log ??= new PipelineHostLog();

    /// <summary>Stops engine work in flight.</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Runs the cmdlet's work for one input object.</summary>
    protected sealed override void ProcessRecord() => Guard(ProcessInput);

    /// <summary>Runs once after the last input object.</summary>
    protected sealed override void EndProcessing() => Guard(EndInput);

    /// <summary>The cmdlet's work for one input object.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    protected abstract void ProcessInput();

    /// <summary>Work after the last input object; nothing by default.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    protected virtual void EndInput() { }

    /// <summary>Runs async engine work off the pipeline thread and waits for it here, writing its messages as they come.</summary>
    internal T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        var task = Task.Run(() => work(StopToken), StopToken);
        Log.DrainUntil(task, this);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Runs short synchronous engine work on the pipeline thread, then writes its messages.</summary>
    internal T Run<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        finally
        {
            Log.Drain(this);
        }
    }

    /// <summary>Parses a VM resource ID; when it is not one, writes a non-terminating VmInvalidResourceId error and returns false.</summary>
    internal bool TryParseVmResourceId(string? text, out Engine.Events.VmResourceId? vm)
    {
        if (Engine.Events.VmResourceId.TryParse(text, out vm)) return true;
        WriteFailure(new Engine.Errors.VmEventOpsException(Engine.Errors.ErrorIds.InvalidVmResourceId, Engine.Errors.VmErrorCategory.InvalidArgument,
            $"'{text}' is not a VM resource ID: expected /subscriptions/{{guid}}/resourceGroups/{{name}}/providers/Microsoft.Compute/virtualMachines/{{name}}.", text));
        return false;
    }

    /// <summary>Writes a non-terminating error for one input; the pipeline goes on.</summary>
    internal void WriteFailure(Exception exception) => WriteError(ErrorRecordFactory.Create(exception, Log.Redactor));

    /// <summary>Releases the token and the message queue.</summary>
    public void Dispose()
    {
        _stopping.Dispose();
        _log?.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is not RuntimeException)
        {
            // RuntimeExceptions (stops, ThrowTerminatingError, -ErrorAction Stop) already carry their record.
            ThrowTerminatingError(ErrorRecordFactory.Create(e, Log.Redactor));
        }
    }
}
