using System.Management.Automation;
using VmEventOps.Completion;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Hosting;

namespace VmEventOps.Commands;

/// <summary>A cmdlet that reads the module's configuration: adds -SettingsPath and -Environment.</summary>
public abstract class ConfiguredCmdlet : VmEventOpsCmdlet
{
    /// <summary>
    /// <para type="description">A JSON settings file: setting names at the top level, optional named environment
    /// sections, or a Functions local.settings.json whose Values hold VMEVENTOPS_* keys. Overrides
    /// VMEVENTOPS_SETTINGS. Relative paths are resolved against the current location.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SettingsPath { get; set; }

    /// <summary>
    /// <para type="description">The named environment section of the settings file to apply, such as Local, Test or
    /// Prod. Overrides VMEVENTOPS_ENVIRONMENT.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
    public string? Environment { get; set; }

    /// <summary>Loads the layered configuration for this call; <paramref name="parameters"/> are the top layer.</summary>
    internal VmEventConfiguration LoadConfiguration(SettingOverrides? parameters = null)
    {
        var request = new ConfigurationRequest
        {
            SettingsPath = SettingsPath,
            Environment = Environment,
            Parameters = parameters ?? SettingOverrides.None,
            BaseDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
        };
        var configuration = Run(() => new ConfigurationLoader(Log).Load(request));
        Log.Redactor = configuration.Redactor;
        if (ResolvesKeyVaultReferences && configuration.KeyVaultReferences.Count > 0 && !configuration.SecretsResolved)
        {
            configuration = Run(token => VmEventEngine.Secrets.ResolveAsync(configuration, Log, token));
            Log.Redactor = configuration.Redactor;
        }

        if (ExportsTelemetry) Run(() => ApplyTelemetryExport(configuration.Options));
        return configuration;
    }

    /// <summary>False for cmdlets that only show settings: they read no secret from Key Vault unless asked to.</summary>
    private protected virtual bool ResolvesKeyVaultReferences => true;

    /// <summary>False for cmdlets that only show settings: they start no exporter.</summary>
    private protected virtual bool ExportsTelemetry => true;

    private bool ApplyTelemetryExport(VmEventOptions options)
    {
        VmEventEngine.ExportTelemetry(options, Log);
        return true;
    }
}
