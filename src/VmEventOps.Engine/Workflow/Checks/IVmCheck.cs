namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// One check a VM must pass before its onboarding action runs. Each kind is a type of its own; the workflow runs the
/// checks in order, each as a stage of its own (named <see cref="Name"/>), and stops at the first that does not pass.
/// </summary>
public interface IVmCheck
{
    /// <summary>The check's stage name in results, traces and the history ("DatabaseCheck").</summary>
    string Name { get; }

    /// <summary>Runs the check against the VM's facts. A failure is a result, not an exception.</summary>
    Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken);
}
