namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>Where the repository is: VMEVENTOPSTEST_REPO (set by build.ps1), or the folder above the test binaries that holds VmEventOps.sln.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootPath = new(Find);

    public static string Root => RootPath.Value;

    private static string Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("VMEVENTOPSTEST_REPO");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "VmEventOps.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException("Cannot find the repository root (VmEventOps.sln) above " + AppContext.BaseDirectory);
    }
}
