using System.Collections;
using System.Management.Automation;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Hosting;

/// <summary>
/// Runs Script checks in the calling runspace (a Function, a runbook, a shell): the engine asks from any thread, the
/// script runs on the pipeline thread (through the cmdlet's message drain, the one place that thread waits) as a nested
/// pipeline with the VM's facts as the parameters it declares, and is stopped when its time limit cancels it. It answers
/// $true or $false, or an object with Passed and Message; anything else, or a terminating error, is the check's error.
/// Scripts run one at a time per runspace (one pipeline thread); one whose limit runs out before it starts is a retryable
/// VmCheckTimedOut.
/// </summary>
internal sealed class RunspaceScriptCheckHost(PipelineHostLog log) : IScriptCheckHost
{
    public async Task<ScriptCheckOutcome> RunAsync(string path, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<ScriptCheckOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        log.OnPipelineThread(cmdlet =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                answer.TrySetCanceled(cancellationToken);
                return;
            }

            Volatile.Write(ref started, 1);
            try
            {
                answer.TrySetResult(Run((PSCmdlet)cmdlet, path, parameters, cancellationToken));
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                answer.TrySetCanceled(cancellationToken);
            }
            catch (Exception e)
            {
                answer.TrySetException(new VmEventOpsException(ErrorIds.CheckError, VmErrorCategory.InvalidResult, $"The script {Path.GetFileName(path)} failed: {e.Message}", path, e));
            }
        });
        try
        {
            return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Volatile.Read(ref started) == 0)
        {
            // The limit ran out while the script waited for the pipeline thread (Script checks run one at a time per
            // runspace): not the VM's failure, so always worth another attempt.
            throw new VmEventOpsException(ErrorIds.CheckTimedOut, VmErrorCategory.OperationTimeout,
                $"The script {Path.GetFileName(path)} did not start within its limit: Script checks run one at a time per runspace, and others ran first.", path)
            {
                IsTransient = true,
            };
        }
    }

    private static ScriptCheckOutcome Run(PSCmdlet cmdlet, string path, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken)
    {
        var script = cmdlet.InvokeCommand.GetCommand(path, CommandTypes.ExternalScript) as ExternalScriptInfo
            ?? throw new InvalidOperationException("it is not a PowerShell script file");
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand(script);
        // Only the facts the script declares: a script without a parameter for Tags still runs.
        foreach (var (name, value) in parameters)
        {
            if (script.Parameters.ContainsKey(name)) shell.AddParameter(name, value is IReadOnlyDictionary<string, string> tags ? new Hashtable(tags.ToDictionary(t => t.Key, t => (object)t.Value), StringComparer.OrdinalIgnoreCase) : value);
        }

        using var stop = cancellationToken.Register(() => shell.BeginStop(null, null));
        var output = shell.Invoke();
        cancellationToken.ThrowIfCancellationRequested();
        var last = output.LastOrDefault(o => o is not null)?.BaseObject;
        return last switch
        {
            bool passed => new ScriptCheckOutcome(passed, null),
            IDictionary table when table["Passed"] is bool passed => new ScriptCheckOutcome(passed, table["Message"]?.ToString()),
            _ when output.LastOrDefault(o => o is not null) is { } value && value.Properties["Passed"]?.Value is bool passed => new ScriptCheckOutcome(passed, value.Properties["Message"]?.Value?.ToString()),
            _ => throw new InvalidOperationException("it returned no answer: end it with $true, $false, or @{ Passed = ...; Message = ... }"),
        };
    }
}
