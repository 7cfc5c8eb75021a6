using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Configuration;

public sealed class ReadmeTests
{
    [Fact]
    public void ConfigurationTable_ShouldListEverySettingWithItsVariableAndDefault()
    {
        var readme = File.ReadAllLines(Path.Combine(Repository.Root, "README.md"));

        foreach (var setting in SettingsCatalog.All)
        {
            var row = readme.SingleOrDefault(line => line.StartsWith($"| `{setting.Name}` |", StringComparison.Ordinal));
            Assert.True(row is not null, $"README.md has no configuration row for {setting.Name}.");
            Assert.Contains($"`{setting.EnvironmentVariable}`", row);
            if (setting.DefaultText is not null) Assert.Contains($"`{setting.DefaultText}`", row);
        }
    }
}
