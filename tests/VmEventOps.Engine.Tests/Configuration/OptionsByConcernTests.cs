using System.Reflection;
using System.Text.RegularExpressions;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Configuration;

/// <summary>
/// The options are kept in parts by concern (storage, identity, ARM, Automation, database, retry, telemetry, …): each
/// setting lives in exactly one part, the flat setting properties the catalog and the loader use read and write it
/// there, and the engine reads settings through the parts.
/// </summary>
public sealed partial class OptionsByConcernTests
{
    private static readonly PropertyInfo[] Parts = typeof(VmEventOptions).GetProperties()
        .Where(p => p.PropertyType.Name.EndsWith("Options", StringComparison.Ordinal) && p.PropertyType != typeof(VmEventOptions)).ToArray();

    public static TheoryData<string> Settings() => new(SettingsCatalog.All.Select(s => s.Name));

    [Fact]
    public void Parts_HoldEverySettingOnce()
    {
        var held = Parts.SelectMany(part => part.PropertyType.GetProperties().Select(p => p.Name)).ToArray();

        Assert.Equal(11, Parts.Length);
        Assert.Equal(held.Length, held.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(SettingsCatalog.All.Select(s => s.Name).Order(StringComparer.Ordinal), held.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Setting_ChangesItsOwnPartOnly_AndReadsBack(string name)
    {
        var flat = typeof(VmEventOptions).GetProperty(name)!;
        var defaults = new VmEventOptions();
        var value = OtherThan(flat.PropertyType, flat.GetValue(defaults));
        var options = new VmEventOptions();

        flat.SetValue(options, value);

        Assert.Equal(value, flat.GetValue(options));
        var changed = Parts.Where(part => !Equals(part.GetValue(options), part.GetValue(defaults))).ToArray();
        var only = Assert.Single(changed);
        Assert.Equal(value, only.PropertyType.GetProperty(name)!.GetValue(only.GetValue(options)));
    }

    [Fact]
    public void With_LeavesTheOriginalAndTheOtherPartsAlone()
    {
        var original = new VmEventOptions { QueueName = "first-queue", ClientId = "11111111-2222-3333-4444-555555555555" };

        var changed = original with { QueueName = "second-queue" };

        Assert.Equal("first-queue", original.Storage.QueueName);
        Assert.Equal("second-queue", changed.Storage.QueueName);
        Assert.Same(original.Identity, changed.Identity);
        Assert.Same(original.Retry, changed.Retry);
    }

    [Fact]
    public void ToString_ShowsNoSecret()
    {
        const string Planted = "Planted-Options-Secret-7c1";
        var options = new VmEventOptions();
        foreach (var secret in SettingsCatalog.All.Where(s => s.IsSecret))
            typeof(VmEventOptions).GetProperty(secret.Name)!.SetValue(options, $"AccountKey={Planted};Password={Planted}");

        var texts = Parts.Select(part => part.GetValue(options)!.ToString()!).Append(options.ToString()).ToArray();

        Assert.All(texts, text => Assert.DoesNotContain(Planted, text, StringComparison.Ordinal));
        Assert.Equal("VmEventOptions { values not shown }", options.ToString());
    }

    [Fact]
    public void Engine_ReadsSettingsThroughTheirParts()
    {
        var names = string.Join("|", SettingsCatalog.All.Select(s => s.Name));
        var flatRead = new Regex(@"\b(?:options|Options|_options)\.(?:" + names + @")\b", RegexOptions.None, TimeSpan.FromSeconds(5));
        var files = Directory.GetFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}Configuration{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToArray();

        var flat = files.SelectMany(f => flatRead.Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Value}")).ToArray();
        var throughParts = files.Sum(f => PartRead().Count(File.ReadAllText(f)));

        Assert.Empty(flat);
        Assert.True(throughParts > 100, $"only {throughParts} reads through parts were found: the check would not see the engine's reads");
    }

    [GeneratedRegex(@"\b(?:options|Options|_options)\.(?:Storage|Onboarding|Arm|Identity|KeyVault|Automation|Database|Retry|Telemetry|Reconcile|Dashboard)\.\w+")]
    private static partial Regex PartRead();

    private static object OtherThan(Type type, object? current)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string)) return current as string == "sample-value-1" ? "sample-value-2" : "sample-value-1";
        if (target == typeof(Uri)) return new Uri("https://sample.example/path/");
        if (target == typeof(int)) return current is int n ? n + 1 : 7;
        if (target == typeof(bool)) return current is not true;
        if (target == typeof(TimeSpan)) return current is TimeSpan t ? t + TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(7);
        if (target.IsEnum) return Enum.GetValues(target).Cast<object>().First(v => !v.Equals(current));
        if (target == typeof(IReadOnlyList<string>)) return new[] { "sample-entry" };
        throw new InvalidOperationException($"No sample value for {type}: add one.");
    }
}
