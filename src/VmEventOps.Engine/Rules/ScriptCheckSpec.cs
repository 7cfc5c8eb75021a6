namespace VmEventOps.Engine.Rules;

/// <summary>
/// A PowerShell script file the admin writes, run in the calling runspace (a Function, a runbook, a shell) with the VM's
/// facts as parameters; it returns pass or fail and a message (see <see cref="Workflow.Checks.IScriptCheckHost"/>).
/// </summary>
public sealed record ScriptCheckSpec : CheckSpec
{
    public override CheckKind Kind => CheckKind.Script;

    /// <summary>The script's full path (a relative path in the settings is resolved against the settings file's folder).</summary>
    public required string Path { get; init; }
}
