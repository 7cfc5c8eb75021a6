using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Identity;

/// <summary>
/// Where ARM and Storage tokens may go, as <see cref="KeyVaultHostPolicy"/> says for Key Vault: ArmEndpoint must be the
/// Resource Manager of the configured cloud (AuthorityHost) or a host ArmAllowedHosts names, and ArmAudience an ARM
/// audience of the cloud (or of a listed host); a storage service that gets a token (no connection string) must be an
/// account endpoint of the cloud or a host StorageAllowedHosts names. An ARM endpoint on this machine (an emulator) is
/// taken as it is, its audience still an ARM audience or its own; a loopback storage host that gets a token only when
/// listed. Checked before a client that attaches a token is built.
/// </summary>
internal static class TokenTargetPolicy
{
    /// <summary>Throws <see cref="ErrorIds.TokenHostNotAllowed"/> unless the ARM endpoint and audience of <paramref name="options"/> may get ARM tokens.</summary>
    public static void RequireArm(VmEventOptions options)
    {
        var cloud = AzureCloud.From(options);
        var endpoint = options.Arm.ArmEndpoint;
        // An ARM on this machine is an emulator an admin points at on purpose: no allow-list entry needed for it.
        var local = HostAllowList.IsLoopback(endpoint);
        var listed = local || HostAllowList.IsListed(endpoint, options.Arm.ArmAllowedHosts);
        if (endpoint.Scheme != Uri.UriSchemeHttps || !(IsHostOf(endpoint, cloud.ArmHosts) || listed))
        {
            throw Refused("ArmEndpoint", endpoint, $"is not the Resource Manager of {cloud.Name} ({Names(cloud.ArmHosts)}) nor listed in ArmAllowedHosts", "ArmAllowedHosts");
        }

        if (options.Arm.ArmAudience is not { } audience) return;
        var ofCloud = cloud.ArmAudiences.Any(a => string.Equals(new Uri(a).AbsoluteUri, audience.AbsoluteUri, StringComparison.OrdinalIgnoreCase));
        // An audience of its own (Azure Stack, an emulator) only for an endpoint the allow-list names, and only a host it names too.
        var ofListedHost = listed && (HostAllowList.IsListed(audience, options.Arm.ArmAllowedHosts)
            || (local && string.Equals(audience.Authority, endpoint.Authority, StringComparison.OrdinalIgnoreCase)));
        if (!ofCloud && !ofListedHost)
        {
            throw Refused("ArmAudience", audience, $"is not an ARM audience of {cloud.Name} ({Names(cloud.ArmAudiences)}) nor a host ArmAllowedHosts names, so its tokens (another service's, perhaps) are not sent to ArmEndpoint", "ArmAllowedHosts");
        }
    }

    /// <summary>Throws <see cref="ErrorIds.TokenHostNotAllowed"/> unless <paramref name="service"/> (of <paramref name="setting"/>) may get Storage tokens.</summary>
    public static void RequireStorage(Uri service, string setting, string label, VmEventOptions options)
    {
        var cloud = AzureCloud.From(options);
        var suffixes = cloud.StorageSuffixes.Select(s => label + "." + s).ToArray();
        if (service.Scheme == Uri.UriSchemeHttps && HostAllowList.IsUnder(service, suffixes)) return;
        if (HostAllowList.IsListed(service, options.Storage.StorageAllowedHosts)) return;
        throw Refused(setting, service, $"is not a {label} endpoint of {cloud.Name} ({Names(suffixes.Select(s => "*." + s).ToArray())}) nor listed in StorageAllowedHosts", "StorageAllowedHosts");
    }

    private static bool IsHostOf(Uri uri, IReadOnlyList<string> hosts) =>
        uri.HostNameType == UriHostNameType.Dns && hosts.Contains(uri.IdnHost.TrimEnd('.'), StringComparer.OrdinalIgnoreCase);

    private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "none built in" : string.Join(", ", names);

    private static VmEventOpsException Refused(string setting, Uri uri, string why, string allowList)
    {
        var loopback = HostAllowList.IsLoopback(uri) ? $" A host on this machine (an emulator) is trusted only when {allowList} names it." : string.Empty;
        return new VmEventOpsException(ErrorIds.TokenHostNotAllowed, VmErrorCategory.SecurityError,
            $"Setting {setting} names {uri.Scheme}://{uri.Authority}, which {why}; no token is sent to it.{loopback}", setting);
    }
}
