using System.Management.Automation;
using VmEventOps.Engine.Configuration;

namespace VmEventOps.Commands;

/// <summary>A cmdlet that works on the workflow's queues: adds -ConnectionString to -SettingsPath and -Environment.</summary>
public abstract class QueueCmdlet : ConfiguredCmdlet
{
    /// <summary>
    /// <para type="description">The storage account connection string (for Azurite: UseDevelopmentStorage=true or the
    /// full string). Overrides the StorageConnectionString setting and VMEVENTOPS_STORAGECONNECTIONSTRING. Its keys
    /// never appear in output or errors.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConnectionString { get; set; }

    /// <summary>Loads the configuration with this cmdlet's storage parameters as the top layer.</summary>
    internal VmEventConfiguration LoadQueueConfiguration()
    {
        return LoadConfiguration(new SettingOverrides().Set(o => o.StorageConnectionString, ConnectionString));
    }
}
