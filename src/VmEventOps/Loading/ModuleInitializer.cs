using System.Management.Automation;

namespace VmEventOps.Loading;

/// <summary>
/// Runs when the module is imported. It must not touch an engine type: the hook it installs is
/// what makes the engine loadable. The engine is first needed by a cmdlet's code, which runs later.
/// PowerShell loads the cmdlet types before it calls this, so a cmdlet class must not hold a field
/// of an engine value type (a struct parameter): its layout would need the engine before the hook
/// exists. Enum parameters come from VmEventOps.Contracts, which the manifest loads first.
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
