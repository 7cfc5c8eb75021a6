using System.Diagnostics;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// The one timing and tracing wrapper of the workflow's stages: each runs as a child span of the message's activity and a
/// sample of the stage-duration histogram (see <see cref="StageSpan"/>), and its milliseconds go into the result.
/// </summary>
internal sealed class StageTimer(StageSpan span)
{
    private readonly Dictionary<string, long> _times = [];

    /// <summary>Milliseconds per stage, in the order they ran.</summary>
    public IReadOnlyDictionary<string, long> Times => _times;

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
            _times[name] = clock.ElapsedMilliseconds;
            if (failedWith?.Invoke(result) is { } code) span.Fail(code);
            return result;
        }
        catch (Exception e)
        {
            _times[name] = clock.ElapsedMilliseconds;
            span.Fail((e as Errors.VmEventOpsException)?.ErrorId ?? Errors.ErrorIds.Unexpected);
            throw;
        }
    }
}
