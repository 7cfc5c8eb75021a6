using System.Collections;
using System.Reflection;
using System.Runtime.Loader;

/// <summary>
/// The built module's engine, reached as PowerShell reaches it: the cmdlet assembly's load context installed (what the
/// import runs, ModuleInitializer.OnImport), then the engine resolved by that hook into the module's own context.
/// Everything is by reflection: this host references nothing of ours, the module folder is its input.
/// </summary>
internal sealed class ModuleEngine
{
    private ModuleEngine(Assembly engine) => Assembly = engine;

    public Assembly Assembly { get; }

    public static ModuleEngine Load(string moduleDirectory)
    {
        var cmdlets = Assembly.LoadFrom(Path.Combine(moduleDirectory, "VmEventOps.dll"));
        cmdlets.GetType("VmEventOps.Loading.EngineLoadContext", throwOnError: true)!
            .GetMethod("Register", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!
            .Invoke(null, [moduleDirectory]);
        return new ModuleEngine(AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("VmEventOps.Engine")));
    }

    public Type Type(string name) => Assembly.GetType(name, throwOnError: true)!;

    /// <summary>Options with storage at the connection string (and a trace file when given).</summary>
    public object Options(string connectionString, string? traceFile = null)
    {
        var optionsType = Type("VmEventOps.Engine.Configuration.VmEventOptions");
        var options = Activator.CreateInstance(optionsType)!;
        optionsType.GetProperty("StorageConnectionString")!.SetValue(options, connectionString);
        if (traceFile is not null) optionsType.GetProperty("TraceFile")!.SetValue(options, traceFile);
        return options;
    }

    public object Log() => Type("VmEventOps.Engine.Logging.NullHostLog").GetField("Instance")!.GetValue(null)!;

    /// <summary>The four queues' rows, as Get-VmEventQueueStatus reads them: composition root, queue clients, reads.</summary>
    public async Task<object[]> QueueStatusAsync(object options, object log)
    {
        var root = Type("VmEventOps.Engine.Hosting.VmEventEngine");
        var manager = root.GetMethod("Queues")!.Invoke(root.GetMethod("For")!.Invoke(null, [options]), [log])!;
        var thresholds = Activator.CreateInstance(Type("VmEventOps.Engine.Queues.QueueHealthThresholds"));
        var task = (Task)manager.GetType().GetMethod("GetStatusAsync")!.Invoke(manager, [thresholds, CancellationToken.None])!;
        await task;
        return ((IEnumerable)task.GetType().GetProperty("Result")!.GetValue(task)!).Cast<object>().ToArray();
    }
}
