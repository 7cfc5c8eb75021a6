namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>How a check ended.</summary>
public enum CheckStatus
{
    /// <summary>It ran and the VM passed.</summary>
    Passed = 1,

    /// <summary>It ran and the VM did not pass (a port closed, a status not expected, a tag missing).</summary>
    Failed,

    /// <summary>It did not end within its time limit.</summary>
    TimedOut,

    /// <summary>It could not run (a script that threw, no address to connect to).</summary>
    Error,
}
