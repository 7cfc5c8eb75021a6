using System.Diagnostics;
using System.Runtime;
using System.Text.Json;

/// <summary>
/// The engine's first queue status in a fresh .NET 8 process, timed from the moment the module's load context is in
/// place: the engine loaded, the composition root, the queue clients and the four queue reads, with the JIT's time and
/// the methods it compiled (System.Runtime.JitInfo), so a ReadyToRun build of the module can be told from its IL.
/// </summary>
internal static class FirstStatus
{
    public static async Task<int> TimeAsync(string moduleDirectory, string connectionString)
    {
        var jitMs = JitInfo.GetCompilationTime(currentThread: false).TotalMilliseconds;
        var jitMethods = JitInfo.GetCompiledMethodCount(currentThread: false);
        var clock = Stopwatch.StartNew();
        var engine = ModuleEngine.Load(moduleDirectory);
        var rows = await engine.QueueStatusAsync(engine.Options(connectionString), engine.Log());
        clock.Stop();

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            Runtime = Environment.Version.ToString(),
            FirstStatusMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1),
            JitMs = Math.Round(JitInfo.GetCompilationTime(currentThread: false).TotalMilliseconds - jitMs, 1),
            JitMethods = JitInfo.GetCompiledMethodCount(currentThread: false) - jitMethods,
            Queues = rows.Length,
        }));
        return 0;
    }
}
