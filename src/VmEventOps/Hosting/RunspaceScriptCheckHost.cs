using System.Collections;
using System.Management.Automation;
using VmEventOps.Engine.Diagnostics;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Hosting;

/// <summary>
/// Runs Script checks in the calling runspace (a Function, a runbook, a shell): the engine asks from any thread, the
/// script runs on the pipeline thread (through the cmdlet's message drain, the one place that thread waits) as a nested
/// pipeline with the VM's facts as the parameters it declares, and is stopped when its time limit cancels it. It answers
/// $true or $false, or an object with Passed and Message; anything else, or a terminating error, is the check's error.
/// </summary>
internal sealed class RunspaceScriptCheckHost(PipelineHostLog log) : IScriptCheckHost
{
    public Task<ScriptCheckOutcome> RunAsync(string path, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<ScriptCheckOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        log.OnPipelineThread(cmdlet =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                answer.TrySetCanceled(cancellationToken);
                return;
            }

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
        return answer.Task.WaitAsync(cancellationToken);
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
