using System.Reflection;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Errors;

/// <summary>docs/troubleshooting.md (hand-written) says for every ErrorId of the catalog what it means and what to do.</summary>
public sealed class TroubleshootingTests
{
    private static readonly string[] Ids = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    private static string[] Page() => File.ReadAllLines(Path.Combine(Repository.Root, "docs", "troubleshooting.md"));

    public static TheoryData<string> EveryId() => new(Ids);

    [Theory]
    [MemberData(nameof(EveryId))]
    public void Troubleshooting_ForEveryErrorId_ShouldSayWhatItMeansAndWhatToDo(string id)
    {
        var page = Page();
        var heading = Array.IndexOf(page, $"### {id}");
        Assert.True(heading >= 0, $"docs/troubleshooting.md has no section '### {id}': add what {id} means and what to do.");

        var section = page.Skip(heading + 1).TakeWhile(line => !line.StartsWith('#')).ToArray();
        var means = section.FirstOrDefault(line => line.StartsWith("**Means**: ", StringComparison.Ordinal));
        var todo = section.FirstOrDefault(line => line.StartsWith("**Do**: ", StringComparison.Ordinal));
        Assert.True(means is { Length: > 30 }, $"docs/troubleshooting.md, {id}: the section needs a '**Means**: ...' paragraph.");
        Assert.True(todo is { Length: > 15 }, $"docs/troubleshooting.md, {id}: the section needs a '**Do**: ...' paragraph.");
    }

    [Fact]
    public void Troubleshooting_ShouldDescribeNoIdTheCatalogDoesNotHave()
    {
        var described = Page().Where(line => line.StartsWith("### ", StringComparison.Ordinal)).Select(line => line[4..]).ToArray();

        Assert.Empty(described.Except(Ids));
        Assert.Equal(described.Length, described.Distinct().Count());
    }
}
