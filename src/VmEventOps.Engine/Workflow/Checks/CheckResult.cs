using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// One check's result: passed or not, a one-line summary for the result ("OK (PostgreSql, 12 ms)"), and — when it did not
/// pass — the failure (its error id, and whether a later attempt may pass).
/// </summary>
public sealed record CheckResult(string Name, bool Passed, string? Summary, Failure? Failure = null)
{
    /// <summary>A check that passed.</summary>
    public static CheckResult Pass(string name, string summary) => new(name, true, summary);

    /// <summary>A check that did not pass, for <paramref name="failure"/>.</summary>
    public static CheckResult Fail(string name, string? summary, Failure failure) => new(name, false, summary, failure);
}
