using System.Management.Automation;
using VmEventOps.Completion;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.KeyVault;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Shows the effective VmEventOps settings and the layer each one came from.</para>
/// <para type="description">Settings are layered: built-in defaults, then the settings file (and its named
/// environment section), then VMEVENTOPS_* environment variables (how Azure Functions app settings arrive),
/// then cmdlet parameters. Get-VmEventConfiguration loads the layers exactly as every other cmdlet does and
/// writes one object per setting with its value, its source layer and where in that layer it was found.
/// Secrets (passwords, client secrets, access tokens, storage account keys and SAS) are shown as ***.</para>
/// <para type="description">A secret setting may hold a Key Vault reference, as App Service app settings do:
/// @Microsoft.KeyVault(SecretUri=https://{vault}.vault.azure.net/secrets/{name}[/{version}]) or
/// @Microsoft.KeyVault(VaultName={vault};SecretName={name}[;SecretVersion={version}]). Every other cmdlet reads such a
/// secret with the module's own credential and keeps it for KeyVaultCacheDuration; Get-VmEventConfiguration shows it
/// as *** with its source KeyVault({vault}/{name}) and reads nothing, unless -Validate is given.</para>
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
///   <code>$env:VMEVENTOPS_DBPASSWORD = '@Microsoft.KeyVault(VaultName=kv-onboarding;SecretName=db-password)'; Get-VmEventConfiguration -Name DbPassword -Validate</code>
///   <para>Reads the secret from the vault now, with the module's identity, and shows whether it resolved (its value stays ***).
///   A reference that does not resolve is also written as an error naming the vault, the secret and what is missing.</para>
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
    [ArgumentCompleter(typeof(SettingNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>
    /// <para type="description">Reads every Key Vault reference among the settings now (not from the process's cache), with the
    /// module's own credential, and sets Resolved on those settings; each reference that fails is also written as a
    /// non-terminating error (VmKeyVaultSecretNotFound, VmKeyVaultAccessDenied, VmKeyVaultThrottled, VmKeyVaultRequestFailed,
    /// or the identity's VmAuth* error). Values are never shown. Use it to check a configuration before deploying it.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Validate { get; set; }

    private IReadOnlyList<VmEventSetting>? _settings;

    /// <inheritdoc />
    private protected override bool ExportsTelemetry => false;

    /// <inheritdoc />
    private protected override bool ResolvesKeyVaultReferences => false;

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        _settings ??= LoadSettings();
        var patterns = (Name ?? ["*"]).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var pattern in patterns)
        {
            var matches = _settings.Where(s => pattern.IsMatch(s.Name)).ToArray();
            if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern.ToString()))
            {
                WriteFailure(new Engine.Errors.VmEventOpsException(
                    Engine.Errors.ErrorIds.UnknownSetting, Engine.Errors.VmErrorCategory.ObjectNotFound,
                    $"There is no setting named '{pattern}'.", pattern.ToString()));
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }

    private IReadOnlyList<VmEventSetting> LoadSettings()
    {
        var configuration = LoadConfiguration();
        if (!Validate) return configuration.Settings;
        var validation = Run(token => VmEventEngine.Secrets.ValidateAsync(configuration, Log, token));
        foreach (var failure in validation.Failures) WriteFailure(failure);
        return validation.Settings;
    }
}
