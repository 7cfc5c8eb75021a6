using System.Collections.Concurrent;
using System.Management.Automation;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Hosting;

/// <summary>
/// The engine's host, for one cmdlet invocation. Engine code calls it from any thread; the
/// messages wait in a queue until the pipeline thread drains them into Write-Verbose,
/// Write-Warning, Write-Debug and Write-Progress (PowerShell allows those on that thread only).
/// </summary>
internal sealed class PipelineHostLog : IHostLog, IDisposable
{
    private readonly BlockingCollection<Action<Cmdlet>> _messages = new();
    private SecretRedactor _redactor = SecretRedactor.PatternsOnly;

    /// <summary>Masks secrets in every message; set once the configuration is known.</summary>
    public SecretRedactor Redactor
    {
        get => Volatile.Read(ref _redactor);
        set => Volatile.Write(ref _redactor, value);
    }

    public void Verbose(string message) => Add(static (c, m) => c.WriteVerbose(m), message);

    public void Warning(string message) => Add(static (c, m) => c.WriteWarning(m), message);

    public void Debug(string message) => Add(static (c, m) => c.WriteDebug(m), message);

    public void Progress(HostProgress progress)
    {
        var record = new ProgressRecord(progress.ActivityId, Redactor.Redact(progress.Activity), Redactor.Redact(progress.Status))
        {
            PercentComplete = progress.PercentComplete,
            RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        _messages.Add(c => c.WriteProgress(record));
    }

    /// <summary>Queues an object for the output stream (engine work running off the pipeline thread produces results).</summary>
    public void Output(object value) => _messages.Add(c => c.WriteObject(value));

    /// <summary>Runs <paramref name="work"/> on the pipeline thread, the next time the cmdlet drains its messages (a Script check).</summary>
    public void OnPipelineThread(Action<Cmdlet> work) => _messages.Add(work);

    /// <summary>Writes every queued message; on the pipeline thread only.</summary>
    public void Drain(Cmdlet cmdlet)
    {
        while (_messages.TryTake(out var write)) write(cmdlet);
    }

    /// <summary>
    /// Writes messages as they arrive until <paramref name="work"/> completes; on the pipeline
    /// thread only. This is the module's one blocking wait.
    /// </summary>
    public void DrainUntil(Task work, Cmdlet cmdlet)
    {
        // A no-op message wakes the loop the moment the work ends.
        work.ContinueWith(_ => _messages.Add(static _ => { }), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (!work.IsCompleted)
        {
            if (_messages.TryTake(out var write, Timeout.Infinite)) write(cmdlet);
        }

        Drain(cmdlet);
    }

    public void Dispose() => _messages.Dispose();

    private void Add(Action<Cmdlet, string> write, string message)
    {
        var safe = Redactor.Redact(message);
        _messages.Add(c => write(c, safe));
    }
}
