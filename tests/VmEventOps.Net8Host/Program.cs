using System.Collections;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;

// Usage: VmEventOps.Net8Host <module folder> <storage connection string> <trace file>
// Prints one JSON object: the runtime version, the queue rows the engine read, the spans the engine's
// telemetry export wrote to the trace file, and where each assembly of interest was loaded from.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: VmEventOps.Net8Host <module folder> <storage connection string> <trace file>");
    return 2;
}

var moduleDirectory = Path.GetFullPath(args[0]);
var cmdlets = Assembly.LoadFrom(Path.Combine(moduleDirectory, "VmEventOps.dll"));

// What PowerShell's import runs (ModuleInitializer.OnImport), without PowerShell: install the load context.
cmdlets.GetType("VmEventOps.Loading.EngineLoadContext", throwOnError: true)!
    .GetMethod("Register", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!
    .Invoke(null, [moduleDirectory]);

// Resolved by the hook into the module's own context, like a cmdlet's first call.
var engine = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("VmEventOps.Engine"));
var optionsType = engine.GetType("VmEventOps.Engine.Configuration.VmEventOptions", throwOnError: true)!;
var options = Activator.CreateInstance(optionsType)!;
optionsType.GetProperty("StorageConnectionString")!.SetValue(options, args[1]);
optionsType.GetProperty("TraceFile")!.SetValue(options, Path.GetFullPath(args[2]));
var log = engine.GetType("VmEventOps.Engine.Logging.NullHostLog", throwOnError: true)!.GetField("Instance")!.GetValue(null);

// The OpenTelemetry SDK loads beside DiagnosticSource 10 in the module's context, and a span of the engine's source is exported.
var root = engine.GetType("VmEventOps.Engine.Hosting.VmEventEngine", throwOnError: true)!;
root.GetMethod("ExportTelemetry")!.Invoke(null, [options, log]);
var export = engine.GetType("VmEventOps.Engine.Telemetry.TelemetryExport", throwOnError: true)!;
var source = engine.GetType("VmEventOps.Engine.Telemetry.VmEventTelemetry", throwOnError: true)!.GetField("Source")!.GetValue(null)!;
var startActivity = source.GetType().GetMethod("StartActivity", [typeof(string), source.GetType().Assembly.GetType("System.Diagnostics.ActivityKind")!])!;
var activityKind = Enum.ToObject(source.GetType().Assembly.GetType("System.Diagnostics.ActivityKind", throwOnError: true)!, 0);
((IDisposable?)startActivity.Invoke(source, ["Net8Host.Probe", activityKind]))?.Dispose();
export.GetMethod("Shutdown")!.Invoke(null, null);
var managerType = engine.GetType("VmEventOps.Engine.Queues.QueueManager", throwOnError: true)!;
var manager = root.GetMethod("Queues")!.Invoke(root.GetMethod("For")!.Invoke(null, [options]), [log])!;
var thresholds = Activator.CreateInstance(engine.GetType("VmEventOps.Engine.Queues.QueueHealthThresholds", throwOnError: true)!);
var task = (Task)managerType.GetMethod("GetStatusAsync")!.Invoke(manager, [thresholds, CancellationToken.None])!;
await task;
var rows = (IEnumerable)task.GetType().GetProperty("Result")!.GetValue(task)!;

// The Key Vault SDK loads in the module's context too: the options the module reads a listed (loopback) vault with,
// one outside the cloud's vault domain (vaultOfCloud: false), whose challenge the guarded credential answers.
var clientOptions = engine.GetType("VmEventOps.Engine.KeyVault.KeyVaultSecretReader", throwOnError: true)!
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
    Queues = rows.Cast<object>().Select(r => r.ToString()).ToArray(),
    Spans = File.ReadAllLines(args[2]),
    LoopbackChallengeUnchecked = loopbackChallengeUnchecked,
    Loaded = loaded,
}));
return 0;
