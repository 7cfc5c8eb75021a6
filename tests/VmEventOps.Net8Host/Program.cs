using System.Collections;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;

// Usage: VmEventOps.Net8Host <module folder> <storage connection string>
// Prints one JSON object: the runtime version, the queue rows the engine read, and where each
// assembly of interest was loaded from.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: VmEventOps.Net8Host <module folder> <storage connection string>");
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
var log = engine.GetType("VmEventOps.Engine.Diagnostics.NullHostLog", throwOnError: true)!.GetField("Instance")!.GetValue(null);
var managerType = engine.GetType("VmEventOps.Engine.Queues.QueueManager", throwOnError: true)!;
var manager = managerType.GetMethod("Create")!.Invoke(null, [options, log])!;
var thresholds = Activator.CreateInstance(engine.GetType("VmEventOps.Engine.Queues.QueueHealthThresholds", throwOnError: true)!);
var task = (Task)managerType.GetMethod("GetStatusAsync")!.Invoke(manager, [thresholds, CancellationToken.None])!;
await task;
var rows = (IEnumerable)task.GetType().GetProperty("Result")!.GetValue(task)!;

var loaded = AppDomain.CurrentDomain.GetAssemblies()
    .Where(a => a.GetName().Name is "VmEventOps.Engine" or "Azure.Core" or "System.Text.Json" or "Azure.Storage.Queues")
    .Select(a => new { a.GetName().Name, Version = a.GetName().Version?.ToString(), Context = AssemblyLoadContext.GetLoadContext(a)?.Name, a.Location })
    .ToArray();
Console.WriteLine(JsonSerializer.Serialize(new
{
    Runtime = Environment.Version.ToString(),
    Queues = rows.Cast<object>().Select(r => r.ToString()).ToArray(),
    Loaded = loaded,
}));
return 0;
