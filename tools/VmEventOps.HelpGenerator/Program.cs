using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using VmEventOps.Engine.Configuration;
using VmEventOps.HelpGenerator;

// Usage: VmEventOps.HelpGenerator <module>/VmEventOps.dll <VmEventOps.xml doc file> <output .dll-Help.xml> [--docs <reference folder>]
//   The MAML help beside the module's about_*.help.txt topics (their names become the related links); with --docs, the
//   markdown reference from the same help model too: <folder>/cmdlets/<Cmdlet>.md, <folder>/cmdlets/README.md and
//   <folder>/configuration.md (from the settings catalog).
if (args.Length is not (3 or 5) || (args.Length == 5 && args[3] != "--docs"))
{
    Console.Error.WriteLine("usage: VmEventOps.HelpGenerator <cmdlet assembly> <xml doc file> <output maml file> [--docs <reference folder>]");
    return 2;
}

var (assemblyPath, docPath, outputPath) = (Path.GetFullPath(args[0]), Path.GetFullPath(args[1]), Path.GetFullPath(args[2]));
var docsPath = args.Length == 5 ? Path.GetFullPath(args[4]) : null;
var moduleDirectory = Path.GetDirectoryName(assemblyPath)!;

// Cmdlet types name engine types (output types); the engine sits in Dependencies/ as in the module.
AssemblyLoadContext.Default.Resolving += (context, name) =>
{
    foreach (var directory in new[] { moduleDirectory, Path.Combine(moduleDirectory, "Dependencies") })
    {
        var candidate = Path.Combine(directory, name.Name + ".dll");
        if (File.Exists(candidate)) return context.LoadFromAssemblyPath(candidate);
    }

    return null;
};

var reader = new CmdletHelpReader(new DocComments(docPath));
var commands = reader.Read(Assembly.LoadFrom(assemblyPath));
if (commands.Count == 0) reader.Problems.Add("No cmdlets found.");
if (reader.Problems.Count > 0)
{
    Console.Error.WriteLine("Help is incomplete; add the doc comments:");
    foreach (var problem in reader.Problems) Console.Error.WriteLine("  " + problem);
    return 1;
}

var helpDirectory = Path.GetDirectoryName(outputPath)!;
Directory.CreateDirectory(helpDirectory);
var aboutTopics = Directory.GetFiles(helpDirectory, "about_*.help.txt")
    .Select(f => Path.GetFileName(f)[..^".help.txt".Length])
    .Order(StringComparer.Ordinal)
    .DefaultIfEmpty("about_VmEventOps")
    .ToArray();
MamlWriter.Write(commands, aboutTopics).Save(outputPath);
Console.WriteLine($"Help for {commands.Count} cmdlet(s) written to {outputPath}");

if (docsPath is not null)
{
    // The folder holds only what this run writes: a page of a cmdlet that is gone goes too.
    var cmdletsPath = Path.Combine(docsPath, "cmdlets");
    if (Directory.Exists(cmdletsPath)) Directory.Delete(cmdletsPath, recursive: true);
    Directory.CreateDirectory(cmdletsPath);
    var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    foreach (var (file, page) in MarkdownWriter.Write(commands, aboutTopics)) File.WriteAllText(Path.Combine(cmdletsPath, file), page, utf8);
    File.WriteAllText(Path.Combine(docsPath, "configuration.md"), ConfigurationWriter.Write(SettingsCatalog.All), utf8);
    Console.WriteLine($"Reference for {commands.Count} cmdlet(s) and {SettingsCatalog.All.Count} setting(s) written to {docsPath}");
}

return 0;
