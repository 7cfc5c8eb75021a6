using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace VmEventOps.HelpGenerator;

/// <summary>The compiler's XML documentation file, looked up by member.</summary>
internal sealed partial class DocComments
{
    private readonly Dictionary<string, XElement> _members;

    public DocComments(string path)
    {
        var document = XDocument.Load(path);
        _members = document.Descendants("member")
            .Where(m => m.Attribute("name") is not null)
            .ToDictionary(m => m.Attribute("name")!.Value, m => m);
    }

    /// <summary>The doc comment of a type, or null.</summary>
    public XElement? ForType(Type type) => _members.GetValueOrDefault("T:" + type.FullName);

    /// <summary>The doc comment of a property, found on the type that declares it.</summary>
    public XElement? ForProperty(System.Reflection.PropertyInfo property) =>
        _members.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}");

    /// <summary>The paragraphs marked <c>&lt;para type="kind"&gt;</c>, whitespace folded.</summary>
    public static IReadOnlyList<string> Paragraphs(XElement? member, string kind) =>
        member?.Descendants("para")
            .Where(p => (string?)p.Attribute("type") == kind)
            .Select(p => Fold(p.Value))
            .Where(p => p.Length > 0)
            .ToArray() ?? [];

    /// <summary>The examples: each <c>&lt;example&gt;</c> with its <c>&lt;code&gt;</c> and remark paragraphs.</summary>
    public static IReadOnlyList<ExampleHelp> Examples(XElement? member) =>
        member?.Descendants("example")
            .Select(e => new ExampleHelp(
                e.Element("code")?.Value.Trim() ?? string.Empty,
                e.Elements("para").Select(p => Fold(p.Value)).Where(p => p.Length > 0).ToArray()))
            .ToArray() ?? [];

    /// <summary>Folds runs of white space (doc comment indentation) into single spaces.</summary>
    public static string Fold(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
