using System.Reflection;
using System.Runtime.Loader;
using VmEventOps.HelpGenerator;

// Usage: VmEventOps.HelpGenerator <module>/VmEventOps.dll <VmEventOps.xml doc file> <output .dll-Help.xml>
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: VmEventOps.HelpGenerator <cmdlet assembly> <xml doc file> <output maml file>");
    return 2;
}

var (assemblyPath, docPath, outputPath) = (Path.GetFullPath(args[0]), Path.GetFullPath(args[1]), Path.GetFullPath(args[2]));
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

Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
MamlWriter.Write(commands, ["about_VmEventOps"]).Save(outputPath);
Console.WriteLine($"Help for {commands.Count} cmdlet(s) written to {outputPath}");
return 0;
