using System.Reflection;
using System.Text.RegularExpressions;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Hosting;

/// <summary>docs/ARCHITECTURE.md names only types and paths that exist: it cannot drift from the code unnoticed.</summary>
public sealed partial class ArchitectureDocumentTests
{
    // Names in the page that are not types of ours: words of the settings attribute, the manifest and PowerShell, BCL and SDK types.
    private static readonly HashSet<string> NotOurs = ["AssemblyLoadContext", "Identity", "Endpoint", "Setting", "ErrorRecords", "RequiredAssemblies", "ValidateSet"];

    [Fact]
    public void EveryTypeTheArchitecturePageNames_ShouldExist()
    {
        var types = typeof(Engine.Hosting.VmEventEngine).Assembly.GetTypes().Concat(typeof(VmEventOutcome).Assembly.GetTypes()).Concat(LoadModuleTypes()).Concat(typeof(ArchitectureDocumentTests).Assembly.GetTypes()).Select(t => t.Name.Split('`')[0]).ToHashSet(StringComparer.Ordinal);
        var named = CodeSpans().Where(span => !span.Contains('/')).Select(span => TypeName().Match(span)).Where(m => m.Success).Select(m => m.Groups["type"].Value)
            .Where(name => !NotOurs.Contains(name) && name.Skip(1).Any(char.IsUpper)).Distinct().ToArray();

        Assert.NotEmpty(named);
        Assert.All(named, name => Assert.True(types.Contains(name), $"ARCHITECTURE.md names `{name}`, which is no type of the engine, the contracts or the module."));
    }

    [Fact]
    public void EveryPathTheArchitecturePageNames_ShouldExist()
    {
        var src = Path.Combine(Repository.Root, "src");
        var paths = CodeSpans().Where(span => span.Contains('/') && !span.Contains(' ')).ToArray();

        Assert.NotEmpty(paths);
        Assert.All(paths, path => Assert.True(
            new[] { Repository.Root, Path.Combine(src, "VmEventOps.Engine"), Path.Combine(src, "VmEventOps") }
                .Any(root => Directory.Exists(Path.Combine(root, path)) || File.Exists(Path.Combine(root, path)) || File.Exists(Path.Combine(root, path + ".cs"))),
            $"ARCHITECTURE.md names `{path}`, which is no folder or file of the repository."));
    }

    private static IEnumerable<string> CodeSpans() =>
        InlineCode().Matches(File.ReadAllText(Path.Combine(Repository.Root, "docs", "ARCHITECTURE.md"))).Select(m => m.Groups["code"].Value);

    private static IEnumerable<Type> LoadModuleTypes()
    {
        var module = Path.Combine(AppContext.BaseDirectory, "VmEventOps.dll");
        if (!File.Exists(module)) return [];
        try
        {
            return Assembly.LoadFrom(module).GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    [GeneratedRegex("`(?<code>[^`\\n]+)`")]
    private static partial Regex InlineCode();

    // "QueueManager", "VmEventEngine.For(options)": the leading type name (paths are checked as paths).
    [GeneratedRegex(@"^(?<type>[A-Z][A-Za-z0-9]+)(?:[.(].*)?$")]
    private static partial Regex TypeName();
}
