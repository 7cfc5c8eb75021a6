namespace VmEventOps.Engine.Logging;

/// <summary>
/// How managers talk to whoever hosts them. The PowerShell adapter maps these to Write-Verbose,
/// Write-Warning, Write-Debug and Write-Progress on the pipeline thread; tests record them.
/// Implementations are called from any thread.
/// </summary>
public interface IHostLog
{
    /// <summary>Detail an admin asks for with -Verbose.</summary>
    void Verbose(string message);

    /// <summary>Something the user should act on; the operation goes on.</summary>
    void Warning(string message);

    /// <summary>Internals for troubleshooting (-Debug).</summary>
    void Debug(string message);

    /// <summary>Progress of long work.</summary>
    void Progress(HostProgress progress);
}

/// <summary>One progress report: an activity, its status and a completion percentage (-1 when unknown).</summary>
public sealed record HostProgress(int ActivityId, string Activity, string Status, int PercentComplete = -1, bool Completed = false);
