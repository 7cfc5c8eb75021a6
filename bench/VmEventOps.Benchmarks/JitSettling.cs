using System.Runtime;

namespace VmEventOps.Benchmarks;

/// <summary>
/// When a warm-up may stop: the JIT has settled once a round of work, and a short pause after it for the tiering thread's
/// backlog, compiled fewer than <see cref="Threshold"/> methods. Tiered compilation recompiles hot methods in the
/// background for the first several hundred events (tens of thousands of methods in a pwsh worker), and a running
/// instance has done that long ago; the same rule warms the raw loops and the workflow's worker (Invoke-Benchmark.ps1).
/// </summary>
internal sealed class JitSettling
{
    /// <summary>Methods a round may still compile once the code it runs is compiled for good.</summary>
    public const int Threshold = 300;

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);
    private long _methods = JitInfo.GetCompiledMethodCount(currentThread: false);

    /// <summary>After a round: waits the pause, then says whether the round compiled fewer than the threshold.</summary>
    public async Task<bool> SettledAsync()
    {
        await Task.Delay(Pause);
        var now = JitInfo.GetCompiledMethodCount(currentThread: false);
        var compiled = now - _methods;
        _methods = now;
        return compiled < Threshold;
    }
}
