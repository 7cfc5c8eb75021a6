using System.Reflection;
using System.Text.RegularExpressions;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests;

/// <summary>The version is written once, in the module manifest; the assemblies carry it.</summary>
public sealed partial class VersionTests
{
    [Fact]
    public void EngineAssembly_ShouldCarryTheManifestsModuleVersion()
    {
        var manifest = File.ReadAllText(Path.Combine(Repository.Root, "VmEventOps.psd1"));
        var version = ModuleVersion().Match(manifest).Groups[1].Value;
        var informational = typeof(Engine.Events.EventParser).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        Assert.NotEmpty(version);
        Assert.StartsWith(version + "+", informational);
    }

    [GeneratedRegex(@"ModuleVersion\s*=\s*'([0-9.]+)'")]
    private static partial Regex ModuleVersion();
}
