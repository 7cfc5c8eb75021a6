using System.Management.Automation;

namespace VmEventOps.Loading;

/// <summary>
/// Runs when the module is imported. It must not touch an engine type: the hook it installs is
/// what makes the engine loadable. The engine is first needed by a cmdlet's code, which runs later.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    /// <summary>Installs the engine's load context (once per process).</summary>
    public void OnImport()
    {
        var moduleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
        EngineLoadContext.Register(moduleDirectory);
    }
}
