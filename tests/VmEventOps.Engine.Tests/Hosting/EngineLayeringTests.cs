using System.Text.RegularExpressions;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Hosting;

/// <summary>
/// The engine's folders are layers: no folder uses a type of a folder that uses, directly or through others, a type of
/// its own. Read from the sources (a type named in code, not in a comment or a string), as a reader of the code sees it.
/// </summary>
public sealed partial class EngineLayeringTests
{
    private static readonly string Engine = Path.Combine(Repository.Root, "src", "VmEventOps.Engine");

    [Fact]
    public void EngineFolders_ShouldDependOnEachOtherWithoutACycle()
    {
        var edges = FolderEdges();

        var cycle = FindCycle(edges);

        Assert.True(cycle is null, cycle is null ? null : "The engine's folders form a cycle: " + string.Join(" → ", cycle.Zip(cycle.Skip(1), (from, to) => $"{from} ({string.Join(", ", edges[from][to].Take(3))})")) + $" → {cycle[^1]}.");
    }

    [Fact]
    public void EachFolder_ShouldUseOnlyFoldersBelowItInTheArchitecturePage()
    {
        var page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "ARCHITECTURE.md"));
        var layers = LayerLine().Matches(page).Select(m => m.Groups["folder"].Value).Distinct().ToList();
        var edges = FolderEdges();

        Assert.Equal(edges.Keys.Order(StringComparer.Ordinal), layers.Order(StringComparer.Ordinal));
        var upward = edges.SelectMany(e => e.Value.Keys.Where(to => layers.IndexOf(to) < layers.IndexOf(e.Key)).Select(to => $"{e.Key} uses {to} ({e.Value[to].First()})")).ToArray();
        Assert.True(upward.Length == 0, "ARCHITECTURE.md lists the engine's folders top down, yet: " + string.Join("; ", upward));
    }

    [Fact]
    public void FolderEdges_ShouldSeeTheCompositionRootAboveTheWorkflow()
    {
        // The check would pass on a reading that finds nothing: it must see the edges everyone knows are there.
        var edges = FolderEdges();

        Assert.Contains("Workflow", edges["Hosting"].Keys);
        Assert.Contains("Errors", edges["Workflow"].Keys);
        Assert.DoesNotContain("Hosting", edges["Workflow"].Keys);
    }

    private static Dictionary<string, Dictionary<string, SortedSet<string>>> FolderEdges()
    {
        var files = Directory.EnumerateFiles(Engine, "*.cs", SearchOption.AllDirectories)
            .Select(path => (Path: path, Parts: Path.GetRelativePath(Engine, path).Split(Path.DirectorySeparatorChar)))
            .Where(f => f.Parts.Length > 1 && f.Parts[0] is not ("obj" or "bin"))
            .Select(f => (Folder: f.Parts[0], Name: Path.GetFileName(f.Path), Code: Code(File.ReadAllText(f.Path))))
            .ToArray();
        var folders = files.Select(f => f.Folder).ToHashSet(StringComparer.Ordinal);
        var owners = files.SelectMany(f => Declaration().Matches(f.Code).Select(m => (Type: m.Groups["name"].Value, f.Folder)))
            .GroupBy(d => d.Type).Where(g => g.Select(d => d.Folder).Distinct().Count() == 1)
            .ToDictionary(g => g.Key, g => g.First().Folder, StringComparer.Ordinal);

        var edges = folders.ToDictionary(f => f, _ => new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (Match use in TypeUse().Matches(PropertyDeclaration().Replace(file.Code, string.Empty)))
            {
                var qualifier = use.Groups["qualifier"];
                if (qualifier.Success && !folders.Contains(qualifier.Value) && qualifier.Value != "Engine") continue;
                if (!owners.TryGetValue(use.Groups["type"].Value, out var owner) || owner == file.Folder) continue;
                if (!edges[file.Folder].TryGetValue(owner, out var why)) edges[file.Folder][owner] = why = new(StringComparer.Ordinal);
                why.Add($"{file.Name}: {use.Groups["type"].Value}");
            }
        }

        return edges;
    }

    private static List<string>? FindCycle(Dictionary<string, Dictionary<string, SortedSet<string>>> edges)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        List<string>? Visit(string folder)
        {
            if (path.IndexOf(folder) is var at and >= 0) return [.. path.Skip(at), folder];
            if (!done.Add(folder)) return null;
            path.Add(folder);
            foreach (var next in edges[folder].Keys)
            {
                if (Visit(next) is { } cycle) return cycle;
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return edges.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(c => c is not null);
    }

    // The code without comments and string contents: a type named in a sentence is no dependency.
    private static string Code(string source) => StringLiteral().Replace(BlockComment().Replace(LineComment().Replace(source, string.Empty), string.Empty), "\"\"");

    [GeneratedRegex(@"^(?:public|internal)\s+(?:(?:static|sealed|abstract|partial|readonly|record|ref)\s+)*(?:class|record|struct|interface|enum)\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex Declaration();

    [GeneratedRegex(@"(?<=(?:(?<qualifier>\w+)\.)?)\b(?<type>[A-Z]\w+)\b")]
    private static partial Regex TypeUse();

    // "MessageLease { get; init; }" or "with { MessageLease = value }": a property that shares a type's name, declared or
    // set in an initialiser, is no use of the type.
    [GeneratedRegex(@"\b[A-Z]\w*\s*\{\s*get|(?<=\{\s*)[A-Z]\w*(?=\s*=[^=>])")]
    private static partial Regex PropertyDeclaration();

    // " │  Workflow/       WorkItem → …": a folder of the engine's box in the layer diagram.
    [GeneratedRegex(@"^ │  (?<folder>[A-Z]\w+)/ ", RegexOptions.Multiline)]
    private static partial Regex LayerLine();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"""(?:\\.|[^""\\\n])*""")]
    private static partial Regex StringLiteral();
}
