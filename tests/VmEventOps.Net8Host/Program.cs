using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;

// Usage: VmEventOps.Net8Host <module folder> <storage connection string> <trace file>
// Prints one JSON object: the runtime version, the queue rows the engine read, the spans the engine's
// telemetry export wrote to the trace file, and where each assembly of interest was loaded from.
// Or: VmEventOps.Net8Host time-status <module folder> <storage connection string>
// Times the engine's first queue status in this fresh process (the benchmark's start-up on .NET 8): its milliseconds,
// the JIT's time and the methods it compiled (System.Runtime.JitInfo), so a ReadyToRun build can be told from IL.
if (args is ["time-status", var timedFolder, var timedConnection])
{
    return await FirstStatus.TimeAsync(Path.GetFullPath(timedFolder), timedConnection);
}

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: VmEventOps.Net8Host <module folder> <storage connection string> <trace file>");
    Console.Error.WriteLine("       VmEventOps.Net8Host time-status <module folder> <storage connection string>");
    return 2;
}

// Loaded as the import loads it; the engine resolved by the hook into the module's own context, like a cmdlet's first call.
var module = ModuleEngine.Load(Path.GetFullPath(args[0]));
var options = module.Options(args[1], Path.GetFullPath(args[2]));
var log = module.Log();

// The OpenTelemetry SDK loads beside DiagnosticSource 10 in the module's context, and a span of the engine's source is exported.
var root = module.Type("VmEventOps.Engine.Hosting.VmEventEngine");
root.GetMethod("ExportTelemetry")!.Invoke(null, [options, log]);
var export = module.Type("VmEventOps.Engine.Telemetry.TelemetryExport");
var source = module.Type("VmEventOps.Engine.Telemetry.VmEventTelemetry").GetField("Source")!.GetValue(null)!;
var startActivity = source.GetType().GetMethod("StartActivity", [typeof(string), source.GetType().Assembly.GetType("System.Diagnostics.ActivityKind")!])!;
var activityKind = Enum.ToObject(source.GetType().Assembly.GetType("System.Diagnostics.ActivityKind", throwOnError: true)!, 0);
((IDisposable?)startActivity.Invoke(source, ["Net8Host.Probe", activityKind]))?.Dispose();
export.GetMethod("Shutdown")!.Invoke(null, null);
var rows = await module.QueueStatusAsync(options, log);

// The Key Vault SDK loads in the module's context too: the options the module reads a listed (loopback) vault with,
// one outside the cloud's vault domain (vaultOfCloud: false), whose challenge the guarded credential answers.
var clientOptions = module.Type("VmEventOps.Engine.KeyVault.KeyVaultSecretReader")
    .GetMethod("ClientOptions", BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, [false])!;
var loopbackChallengeUnchecked = (bool)clientOptions.GetType().GetProperty("DisableChallengeResourceVerification")!.GetValue(clientOptions)!;

var loaded = AppDomain.CurrentDomain.GetAssemblies()
    .Where(a => a.GetName().Name is "VmEventOps.Engine" or "Azure.Core" or "System.Text.Json" or "Azure.Storage.Queues"
        or "System.Diagnostics.DiagnosticSource" or "OpenTelemetry" or "Azure.Monitor.OpenTelemetry.Exporter" or "Azure.Security.KeyVault.Secrets")
    .Select(a => new { a.GetName().Name, Version = a.GetName().Version?.ToString(), Context = AssemblyLoadContext.GetLoadContext(a)?.Name, a.Location })
    .ToArray();
Console.WriteLine(JsonSerializer.Serialize(new
{
    Runtime = Environment.Version.ToString(),
    Queues = rows.Select(r => r.ToString()).ToArray(),
    Spans = File.ReadAllLines(args[2]),
    LoopbackChallengeUnchecked = loopbackChallengeUnchecked,
    Loaded = loaded,
}));
return 0;
