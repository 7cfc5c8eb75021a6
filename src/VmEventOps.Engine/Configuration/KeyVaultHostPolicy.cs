using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Identity;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// Which hosts a Key Vault token may go to: a vault of the configured cloud (a subdomain of KeyVaultDnsSuffix), or a host
/// KeyVaultAllowedHosts names (a private endpoint, an emulator; loopback only so). Checked when the settings are loaded
/// and again before each read, so no reference can send the module's token elsewhere.
/// </summary>
internal static class KeyVaultHostPolicy
{
    /// <summary>True for a vault of the cloud: its own domain, where the SDK's check of the bearer challenge stays on.</summary>
    public static bool IsVaultOfCloud(Uri vault, VmEventOptions options) => HostAllowList.IsUnder(vault, [options.KeyVaultDnsSuffix]);

    /// <summary>True when the vault may receive a Key Vault token.</summary>
    public static bool IsAllowed(Uri vault, VmEventOptions options) =>
        vault.Scheme == Uri.UriSchemeHttps && (IsVaultOfCloud(vault, options) || HostAllowList.IsListed(vault, options.KeyVaultAllowedHosts));

    /// <summary>Throws <see cref="ErrorIds.KeyVaultHostNotAllowed"/> when the reference's vault may not receive a token.</summary>
    public static void Require(KeyVaultSettingReference setting, VmEventOptions options)
    {
        Uri vault;
        try
        {
            vault = setting.Reference.VaultUriIn(options.KeyVaultDnsSuffix);
        }
        catch (UriFormatException)
        {
            throw new VmEventOpsException(ErrorIds.KeyVaultReferenceInvalid, VmErrorCategory.InvalidArgument,
                $"Setting {setting.Name} ({setting.Origin}) refers to {setting.Reference}, whose vault name and KeyVaultDnsSuffix make no host name.", setting.Name);
        }

        if (IsAllowed(vault, options)) return;
        var loopback = HostAllowList.IsLoopback(vault) ? " A vault on this machine (an emulator) is trusted only when KeyVaultAllowedHosts names it." : string.Empty;
        throw new VmEventOpsException(
            ErrorIds.KeyVaultHostNotAllowed,
            VmErrorCategory.SecurityError,
            $"Setting {setting.Name} ({setting.Origin}) refers to a secret in {setting.Reference}, but {vault.Authority} is not a Key Vault of this cloud (*.{options.KeyVaultDnsSuffix.Trim('.')}) "
            + $"nor listed in KeyVaultAllowedHosts, so no token is sent to it.{loopback} Correct the reference, or list a private endpoint's host in KeyVaultAllowedHosts.",
            setting.Name);
    }
}
