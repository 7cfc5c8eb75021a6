using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// One check's result: passed or not, a one-line summary for the result ("OK (PostgreSql, 12 ms)"), and — when it did not
/// pass — the failure (its error id, and whether a later attempt may pass). <see cref="Status"/> tells a check that ran
/// and failed from one that timed out or could not run; <see cref="ElapsedMs"/> is how long it took.
/// </summary>
public sealed record CheckResult(string Name, bool Passed, string? Summary, Failure? Failure = null)
{
    /// <summary>Passed, Failed, TimedOut or Error.</summary>
    public CheckStatus Status { get; init; } = Passed ? CheckStatus.Passed : CheckStatus.Failed;

    /// <summary>The check's kind (Database, TcpPort, ...), when a rule named it.</summary>
    public string? Kind { get; init; }

    public long ElapsedMs { get; init; }

    /// <summary>A check that passed.</summary>
    public static CheckResult Pass(string name, string summary) => new(name, true, summary);

    /// <summary>A check that did not pass, for <paramref name="failure"/>.</summary>
    public static CheckResult Fail(string name, string? summary, Failure failure) => new(name, false, summary, failure);

    /// <summary>A check that could not run (or did not end in time: <paramref name="status"/> TimedOut).</summary>
    public static CheckResult Error(string name, string? summary, Failure failure, CheckStatus status = CheckStatus.Error) => new(name, false, summary, failure) { Status = status };
}
