using System.Reflection;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Loading;

namespace VmEventOps.Engine.Tests.Loading;

/// <summary>Runs against the built module folder (out/VmEventOps), the layout users get.</summary>
public sealed class EngineLoadContextTests
{
    private static readonly string ModuleDirectory = Path.GetDirectoryName(
        Environment.GetEnvironmentVariable("VMEVENTOPSTEST_MODULE") ?? Path.Combine(Repository.Root, "out", "VmEventOps", "VmEventOps.psd1"))!;

    private static EngineLoadContext NewContext()
    {
        var enginePath = Path.Combine(ModuleDirectory, EngineLoadContext.DependencyFolder, EngineLoadContext.EngineName + ".dll");
        Assert.True(File.Exists(enginePath), $"Build the module first (build.ps1 -Task Build): {enginePath} is missing.");
        return new EngineLoadContext(enginePath);
    }

    [Fact]
    public void Load_SqlClient_ShouldResolveTheRealUnixAssemblyNotTheLibStub()
    {
        var sqlClient = NewContext().LoadFromAssemblyName(new AssemblyName("Microsoft.Data.SqlClient"));

        // lib/net8.0/Microsoft.Data.SqlClient.dll only throws "not supported on this platform".
        Assert.Contains($"{Path.DirectorySeparatorChar}runtimes{Path.DirectorySeparatorChar}unix{Path.DirectorySeparatorChar}", sqlClient.Location);
    }

    [Fact]
    public void Load_AzureCore_ShouldLoadThePrivateCopyFromDependencies()
    {
        var context = NewContext();

        var azureCore = context.LoadFromAssemblyName(new AssemblyName("Azure.Core"));

        Assert.Same(context, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(azureCore));
        Assert.StartsWith(Path.Combine(ModuleDirectory, EngineLoadContext.DependencyFolder), azureCore.Location);
    }

    [Fact]
    public void Load_FrameworkAssemblyTheHostHasAtTheSameVersion_ShouldBeShared()
    {
        // The engine ships System.Text.Json 10 for .NET 8 hosts; on this .NET 10 host the framework's copy serves.
        var textJson = NewContext().LoadFromAssemblyName(new AssemblyName("System.Text.Json, Version=10.0.0.0"));

        Assert.Same(System.Runtime.Loader.AssemblyLoadContext.Default, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(textJson));
    }
}
