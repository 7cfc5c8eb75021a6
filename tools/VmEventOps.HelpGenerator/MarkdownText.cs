using System.Text;

namespace VmEventOps.HelpGenerator;

/// <summary>Markdown text with "\n" line endings whatever the platform, so generated pages compare byte for byte.</summary>
internal sealed class MarkdownText
{
    private readonly StringBuilder _builder = new();

    public void Line(string line = "") => _builder.Append(line).Append('\n');

    public override string ToString() => _builder.ToString();

    /// <summary>Text for a table cell: a pipe would end the cell, a line break the row.</summary>
    public static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal).Replace('\n', ' ');
}
