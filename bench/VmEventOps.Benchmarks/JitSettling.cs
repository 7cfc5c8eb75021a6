using System.Runtime;

namespace VmEventOps.Benchmarks;

/// <summary>
/// When a warm-up may stop: the JIT has settled once a round of work, and a short pause after it for the tiering thread's
/// backlog, compiled fewer than a threshold of methods. Tiered compilation recompiles hot methods in the background for
/// the first several hundred events (tens of thousands of methods in a pwsh worker), and a running instance has done
/// that long ago. The threshold and the pause come from Invoke-Benchmark.ps1 (<c>--warm-threshold</c>,
/// <c>--warm-pause</c>), which warms the workflow's worker by the same two numbers.
/// </summary>
internal sealed class JitSettling
{
    private readonly int _threshold;
    private readonly TimeSpan _pause;
    private long _methods = JitInfo.GetCompiledMethodCount(currentThread: false);

    public JitSettling(int threshold, TimeSpan pause)
    {
        _threshold = threshold;
        _pause = pause;
    }

    /// <summary>After a round: waits the pause, then says whether the round compiled fewer than the threshold.</summary>
    public async Task<bool> SettledAsync()
    {
        await Task.Delay(_pause);
        var now = JitInfo.GetCompiledMethodCount(currentThread: false);
        var compiled = now - _methods;
        _methods = now;
        return compiled < _threshold;
    }
}
