using System.Reflection;
using System.Runtime.Loader;

namespace VmEventOps.Loading;

/// <summary>
/// The one private load context of the module. It holds the engine and every dependency the
/// engine ships (Azure.Core, Azure.Identity, SqlClient, ...), so they never meet the copies that
/// Az.Accounts, dbatools or SqlServer load into the default context, and so the engine runs on
/// PowerShell 7.4 (.NET 8) although its packages want System.Text.Json 10.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    /// <summary>The engine assembly's simple name: the only name the default-context hook answers for.</summary>
    public const string EngineName = "VmEventOps.Engine";

    /// <summary>The contracts assembly's simple name: one copy, in the default context, for the cmdlets, the engine and scripts.</summary>
    public const string ContractsName = "VmEventOps.Contracts";

    /// <summary>The sub-folder of the module that holds the engine's publish output.</summary>
    public const string DependencyFolder = "Dependencies";

    private static readonly object Gate = new();
    private static EngineLoadContext? _instance;

    private readonly AssemblyDependencyResolver _resolver;
    private readonly Lazy<Dictionary<string, string>> _frameworkAssemblies = new(ReadFrameworkAssemblies);

    internal EngineLoadContext(string enginePath)
        : base("VmEventOps", isCollectible: false)
    {
        EnginePath = enginePath;
        _resolver = new AssemblyDependencyResolver(enginePath);
    }

    /// <summary>The engine assembly's path.</summary>
    public string EnginePath { get; }

    /// <summary>The module's folder, which holds the contracts assembly.</summary>
    public string? ModuleDirectory { get; private init; }

    /// <summary>The context, once <see cref="Register"/> has run.</summary>
    public static EngineLoadContext? Instance => Volatile.Read(ref _instance);

    /// <summary>
    /// Hooks the default context once per process: a module imported in many runspaces imports
    /// many times, and a second hook would race the first.
    /// </summary>
    public static void Register(string moduleDirectory)
    {
        lock (Gate)
        {
            if (_instance is not null) return;
            var enginePath = Path.Combine(moduleDirectory, DependencyFolder, EngineName + ".dll");
            _instance = new EngineLoadContext(enginePath) { ModuleDirectory = moduleDirectory };
            Default.Resolving += OnDefaultResolving;
        }
    }

    private static Assembly? OnDefaultResolving(AssemblyLoadContext context, AssemblyName name)
    {
        var instance = Instance;
        if (instance is null) return null;
        if (string.Equals(name.Name, ContractsName, StringComparison.Ordinal) && instance.ModuleDirectory is { } directory)
        {
            // Asked for before the manifest's RequiredAssemblies loaded it (a host that loads the dll itself).
            return context.LoadFromAssemblyPath(Path.Combine(directory, ContractsName + ".dll"));
        }

        if (!string.Equals(name.Name, EngineName, StringComparison.Ordinal)) return null;
        return instance.LoadFromAssemblyPath(instance.EnginePath);
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName name)
    {
        // The default context's copy: an enum the engine returns must be the type scripts and cmdlets compare it with.
        if (string.Equals(name.Name, ContractsName, StringComparison.Ordinal)) return null;

        var path = _resolver.ResolveAssemblyToPath(name);

        // Not in the engine's deps.json: a framework assembly, which the default context serves.
        if (path is null) return null;

        // A framework assembly the host already has at this version or higher is shared, so the
        // two sides agree on types such as System.Text.Json's; anything else is loaded privately.
        if (HostHasAtLeast(name)) return null;
        return LoadFromAssemblyPath(path);
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        // SqlClient's SNI on Windows and other native assets under runtimes/.
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    private bool HostHasAtLeast(AssemblyName name)
    {
        if (name.Name is null || !_frameworkAssemblies.Value.TryGetValue(name.Name, out var frameworkPath)) return false;
        var frameworkVersion = AssemblyName.GetAssemblyName(frameworkPath).Version;
        return frameworkVersion is not null && (name.Version is null || frameworkVersion >= name.Version);
    }

    private static Dictionary<string, string> ReadFrameworkAssemblies()
    {
        // Only the shared framework's own assemblies: the host application's other dependencies (an
        // embedding host may carry its own Azure.Core) are exactly what the engine must not bind to.
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            {
                result.TryAdd(Path.GetFileNameWithoutExtension(path), path);
            }
        }

        return result;
    }
}
