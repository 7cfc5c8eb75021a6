using VmEventOps.Engine.Configuration;

namespace VmEventOps.Commands;

/// <summary>The top settings layer of the reconcile cmdlets: -ConnectionString and -Source.</summary>
internal static class ReconcileParameters
{
    public static IReadOnlyDictionary<string, string> For(string? connectionString, string? source)
    {
        var parameters = new Dictionary<string, string>();
        if (connectionString is not null) parameters[nameof(VmEventOptions.StorageConnectionString)] = connectionString;
        if (source is not null) parameters[nameof(VmEventOptions.ReconcileSource)] = source;
        return parameters;
    }
}
