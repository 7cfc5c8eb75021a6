using System.Management.Automation;
using System.Reflection;

namespace VmEventOps.HelpGenerator;

/// <summary>
/// Reads the cmdlets of an assembly by reflection (names, parameters, sets, pipeline binding,
/// output types) and their text from the doc comments; collects what is missing instead of
/// guessing, so the build can refuse help with holes in it.
/// </summary>
internal sealed class CmdletHelpReader(DocComments docs)
{
    private const string AllSets = "__AllParameterSets";

    public List<string> Problems { get; } = [];

    public IReadOnlyList<CommandHelp> Read(Assembly assembly) =>
        assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && t.GetCustomAttribute<CmdletAttribute>() is not null)
            .Select(ReadCommand)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToArray();

    private CommandHelp ReadCommand(Type type)
    {
        var cmdlet = type.GetCustomAttribute<CmdletAttribute>()!;
        var name = $"{cmdlet.VerbName}-{cmdlet.NounName}";
        var doc = docs.ForType(type);
        var synopsis = DocComments.Paragraphs(doc, "synopsis");
        var description = DocComments.Paragraphs(doc, "description");
        var examples = DocComments.Examples(doc);
        if (synopsis.Count != 1) Problems.Add($"{name}: needs exactly one <para type=\"synopsis\">.");
        if (description.Count == 0) Problems.Add($"{name}: needs a <para type=\"description\">.");
        if (examples.Count == 0 || examples.Any(e => e.Code.Length == 0 || e.Remarks.Count == 0)) Problems.Add($"{name}: needs at least one <example> with <code> and a <para>.");

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attributes: p.GetCustomAttributes<ParameterAttribute>().ToArray()))
            .Where(x => x.Attributes.Length > 0)
            .ToArray();
        var parameters = properties.Select(x => ReadParameter(name, x.Property, x.Attributes, setName: null))
            .OrderBy(p => p.Position ?? int.MaxValue).ThenBy(p => p.Name, StringComparer.Ordinal).ToArray();

        var setNames = properties.SelectMany(x => x.Attributes).Select(a => a.ParameterSetName).Where(s => s != AllSets).Distinct().ToArray();
        if (setNames.Length == 0) setNames = [AllSets];
        var syntax = setNames.Select(set => new SyntaxHelp(set, properties
                .Where(x => x.Attributes.Any(a => a.ParameterSetName == set || a.ParameterSetName == AllSets))
                .Select(x => ReadParameter(name, x.Property, x.Attributes, set))
                .OrderBy(p => p.Position ?? int.MaxValue).ThenBy(p => p.Required ? 0 : 1).ThenBy(p => p.Name, StringComparer.Ordinal)
                .ToArray()))
            .ToArray();

        var inputs = properties.Where(x => x.Attributes.Any(a => a.ValueFromPipeline || a.ValueFromPipelineByPropertyName))
            .Select(x => TypeFullName(x.Property.PropertyType)).Distinct().ToArray();
        var outputs = type.GetCustomAttributes<OutputTypeAttribute>().SelectMany(o => o.Type).Select(t => t.Name).Distinct().ToArray();
        if (outputs.Length == 0) Problems.Add($"{name}: needs [OutputType].");

        return new CommandHelp(name, cmdlet.VerbName, cmdlet.NounName, (synopsis.Count > 0 ? synopsis[0] : string.Empty), description,
            parameters, syntax, inputs, outputs, examples, DocComments.Paragraphs(doc, "notes"), cmdlet.SupportsShouldProcess);
    }

    private ParameterHelp ReadParameter(string command, PropertyInfo property, ParameterAttribute[] attributes, string? setName)
    {
        var inSet = setName is null ? attributes : attributes.Where(a => a.ParameterSetName == setName || a.ParameterSetName == AllSets).ToArray();
        var description = DocComments.Paragraphs(docs.ForProperty(property), "description");
        if (setName is null && description.Count == 0) Problems.Add($"{command} -{property.Name}: needs a <para type=\"description\">.");
        var byValue = inSet.Any(a => a.ValueFromPipeline);
        var byName = inSet.Any(a => a.ValueFromPipelineByPropertyName);
        var pipeline = (byValue, byName) switch
        {
            (true, true) => "True (ByPropertyName, ByValue)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };
        var position = inSet.Select(a => a.Position).FirstOrDefault(p => p >= 0, -1);
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return new ParameterHelp(
            property.Name,
            type.Name,
            type == typeof(SwitchParameter),
            inSet.Any(a => a.Mandatory),
            position < 0 ? null : position,
            pipeline,
            property.GetCustomAttribute<SupportsWildcardsAttribute>() is not null,
            property.GetCustomAttribute<AliasAttribute>()?.AliasNames.ToArray() ?? [],
            property.GetCustomAttribute<PSDefaultValueAttribute>()?.Value?.ToString(),
            description);
    }

    private static string TypeFullName(Type type) => (Nullable.GetUnderlyingType(type) ?? type).FullName ?? type.Name;
}
