using VmEventOps.Engine.Configuration;

namespace VmEventOps.Commands;

/// <summary>The top settings layer of the reconcile cmdlets: -ConnectionString and -Source.</summary>
internal static class ReconcileParameters
{
    public static SettingOverrides For(string? connectionString, VmInventorySource? source) =>
        new SettingOverrides().Set(o => o.StorageConnectionString, connectionString).Set(o => o.ReconcileSource, source);
}
