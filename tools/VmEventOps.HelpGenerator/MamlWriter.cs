using System.Xml.Linq;

namespace VmEventOps.HelpGenerator;

/// <summary>Writes help in MAML, the format Get-Help reads for binary modules (<c>Module.dll-Help.xml</c>).</summary>
internal static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Write(IEnumerable<CommandHelp> commands, IReadOnlyList<string> relatedLinks) => new(
        new XDeclaration("1.0", "utf-8", null),
        new XElement(Msh + "helpItems",
            new XAttribute("schema", "maml"),
            commands.Select(c => WriteCommand(c, relatedLinks))));

    private static XElement WriteCommand(CommandHelp help, IReadOnlyList<string> relatedLinks) => new(
        Command + "command",
        new XAttribute(XNamespace.Xmlns + "maml", Maml),
        new XAttribute(XNamespace.Xmlns + "command", Command),
        new XAttribute(XNamespace.Xmlns + "dev", Dev),
        new XElement(Command + "details",
            new XElement(Command + "name", help.Name),
            new XElement(Command + "verb", help.Verb),
            new XElement(Command + "noun", help.Noun),
            Description(help.Synopsis)),
        Description(help.Description),
        new XElement(Command + "syntax", help.Syntax.Select(s =>
            new XElement(Command + "syntaxItem",
                new XElement(Maml + "name", help.Name),
                s.Parameters.Select(Parameter)))),
        new XElement(Command + "parameters", help.Parameters.Select(Parameter)),
        new XElement(Command + "inputTypes", (help.InputTypes.Count == 0 ? ["None"] : help.InputTypes).Select(t =>
            new XElement(Command + "inputType", TypeElement(t), Description([])))),
        new XElement(Command + "returnValues", help.OutputTypes.Select(t =>
            new XElement(Command + "returnValue", TypeElement(t), Description([])))),
        new XElement(Maml + "alertSet", new XElement(Maml + "alert", help.Notes.Select(Para))),
        new XElement(Command + "examples", help.Examples.Select((e, i) =>
            new XElement(Command + "example",
                new XElement(Maml + "title", $"-------------------------- Example {i + 1} --------------------------"),
                new XElement(Dev + "code", e.Code),
                new XElement(Dev + "remarks", e.Remarks.Select(Para))))),
        new XElement(Command + "relatedLinks", relatedLinks.Select(link =>
            new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", link), new XElement(Maml + "uri")))));

    private static XElement Parameter(ParameterHelp p) => new(
        Command + "parameter",
        new XAttribute("required", Lower(p.Required)),
        new XAttribute("variableLength", Lower(p.TypeName.EndsWith("[]", StringComparison.Ordinal))),
        new XAttribute("globbing", Lower(p.Globbing)),
        new XAttribute("pipelineInput", p.PipelineInput),
        new XAttribute("position", p.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
        new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
        new XElement(Maml + "name", p.Name),
        Description(p.Description),
        p.IsSwitch ? null : new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), p.TypeName),
        TypeElement(p.TypeName),
        new XElement(Dev + "defaultValue", p.DefaultValue ?? (p.IsSwitch ? "False" : "None")));

    private static XElement TypeElement(string name) => new(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri"));

    private static XElement Description(string text) => Description([text]);

    private static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", paragraphs.Select(Para));

    private static XElement Para(string text) => new(Maml + "para", text);

    private static string Lower(bool value) => value ? "true" : "false";
}
