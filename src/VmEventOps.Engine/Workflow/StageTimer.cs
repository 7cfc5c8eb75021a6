using System.Diagnostics;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// The one timing and tracing wrapper of the workflow's stages: each runs as a child span of the message's activity and a
/// sample of the stage-duration histogram (see <see cref="StageSpan"/>), and its milliseconds go into the result.
/// </summary>
internal sealed class StageTimer(StageSpan span)
{
    // Written by the current stage and by one that runs beside it (the VM GET while the state is read).
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _times = [];

    /// <summary>Milliseconds per stage, in the order they began.</summary>
    public IReadOnlyDictionary<string, long> Times
    {
        get
        {
            lock (_gate) return new Dictionary<string, long>(_times);
        }
    }

    /// <summary>The stage running now (or last ended by a failure).</summary>
    public string? Current { get; private set; }

    /// <summary>Starts a stage that runs until the next one starts (the message's parse, its routing).</summary>
    public void Begin(string name)
    {
        Current = name;
        span.Start(name);
    }

    /// <summary>Runs <paramref name="run"/> as the stage <paramref name="name"/>; a failure marks the span with its error id and goes on up.</summary>
    public async Task<T> RunAsync<T>(string name, Func<Task<T>> run, Func<T, string?>? failedWith = null)
    {
        Begin(name);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await run().ConfigureAwait(false);
            Record(name, clock);
            if (failedWith?.Invoke(result) is { } code) span.Fail(code);
            return result;
        }
        catch (Exception e)
        {
            Record(name, clock);
            span.Fail((e as Errors.VmEventOpsException)?.ErrorId ?? Errors.ErrorIds.Unexpected);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> as the stage <paramref name="name"/> beside the current one: its own span and sample,
    /// its milliseconds in <see cref="Times"/>; the current stage goes on. Start it before the stage it runs beside.
    /// </summary>
    public async Task<T> RunBesideAsync<T>(string name, Func<Task<T>> run)
    {
        lock (_gate) _times[name] = 0;
        using var beside = span.Beside();
        beside.Start(name);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await run().ConfigureAwait(false);
            Record(name, clock);
            return result;
        }
        catch (Exception e)
        {
            Record(name, clock);
            beside.Fail((e as Errors.VmEventOpsException)?.ErrorId ?? Errors.ErrorIds.Unexpected);
            throw;
        }
    }

    private void Record(string name, Stopwatch clock)
    {
        lock (_gate) _times[name] = clock.ElapsedMilliseconds;
    }
}
