namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// Runs a Script check's script where the module was called from (the cmdlet's runspace: a Function, a runbook, a shell),
/// so the engine stays free of PowerShell types. The host runs the script with the VM's facts as named
/// parameters, stops it when the token is cancelled (its time limit), and reads its answer.
/// </summary>
public interface IScriptCheckHost
{
    /// <summary>Runs the script; what it throws is the check's error.</summary>
    Task<ScriptCheckOutcome> RunAsync(string path, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken);
}
