namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>Real Azure payload shapes, in tests/samples/azure (sources in SOURCES.md there).</summary>
public static class Samples
{
    public static string Directory => Path.Combine(Repository.Root, "tests", "samples", "azure");

    public static string Read(string name) => File.ReadAllText(Path.Combine(Directory, name));

    /// <summary>The event samples: Event Grid and CloudEvents files.</summary>
    public static IEnumerable<string> EventFiles => System.IO.Directory.GetFiles(Directory, "*.json")
        .Select(Path.GetFileName)
        .Where(n => n!.StartsWith("eventgrid-", StringComparison.Ordinal) || n.StartsWith("cloudevent-", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)!;

    /// <summary>A VM-create event in Event Grid schema with a real subscription GUID in place of the sample's x's.</summary>
    public static string VmWriteEvent(string subscription = "11111111-2222-3333-4444-555555555555", string resourceGroup = "resource-group", string vm = "vmName") =>
        Read("eventgrid-resourcewritesuccess-vm.json")
            .Replace("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", subscription, StringComparison.Ordinal)
            .Replace("/resource-group/", $"/{resourceGroup}/", StringComparison.Ordinal)
            .Replace("/vmName", "/" + vm, StringComparison.Ordinal);
}
