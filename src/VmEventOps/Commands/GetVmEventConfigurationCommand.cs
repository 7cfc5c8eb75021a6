using System.Management.Automation;
using VmEventOps.Engine.Configuration;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Shows the effective VmEventOps settings and the layer each one came from.</para>
/// <para type="description">Settings are layered: built-in defaults, then the settings file (and its named
/// environment section), then VMEVENTOPS_* environment variables (how Azure Functions app settings arrive),
/// then cmdlet parameters. Get-VmEventConfiguration loads the layers exactly as every other cmdlet does and
/// writes one object per setting with its value, its source layer and where in that layer it was found.
/// Secrets (passwords, client secrets, access tokens, storage account keys and SAS) are shown as ***.</para>
/// <para type="description">A missing or invalid settings file, an unknown setting name, an unknown environment
/// or a value of the wrong type is a terminating error that names the file, the key and what is expected.</para>
/// <example>
///   <code>Get-VmEventConfiguration</code>
///   <para>Lists every setting with its effective value and source.</para>
/// </example>
/// <example>
///   <code>Get-VmEventConfiguration -SettingsPath ./vmeventops.json -Environment Prod -Name Db*, MaxAttempts</code>
///   <para>Shows the database settings and MaxAttempts that apply with the Prod section of vmeventops.json.</para>
/// </example>
/// <example>
///   <code>$env:VMEVENTOPS_MAXATTEMPTS = 7; (Get-VmEventConfiguration -Name MaxAttempts).Source</code>
///   <para>Environment</para>
///   <para>An environment variable overrides the settings file and the default.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmEventConfiguration")]
[OutputType(typeof(VmEventSetting))]
public sealed class GetVmEventConfigurationCommand : ConfiguredCmdlet
{
    /// <summary>
    /// <para type="description">Names of the settings to show; wildcards are allowed. All settings when omitted.</para>
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    private VmEventConfiguration? _configuration;

    /// <inheritdoc />
    private protected override bool ExportsTelemetry => false;

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        _configuration ??= LoadConfiguration();
        var patterns = (Name ?? ["*"]).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var pattern in patterns)
        {
            var matches = _configuration.Settings.Where(s => pattern.IsMatch(s.Name)).ToArray();
            if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern.ToString()))
            {
                WriteFailure(new Engine.Diagnostics.VmEventOpsException(
                    Engine.Diagnostics.ErrorIds.UnknownSetting, Engine.Diagnostics.VmErrorCategory.ObjectNotFound,
                    $"There is no setting named '{pattern}'.", pattern.ToString()));
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }
}
