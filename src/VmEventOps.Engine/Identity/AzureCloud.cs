using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Identity;

/// <summary>
/// The Azure cloud the settings name through AuthorityHost, and what follows from it for where tokens may go: the hosts
/// of Azure Monitor ingestion and the audience of its tokens. An authority that is none of Microsoft's clouds (Azure
/// Stack, an emulator) has no built-in Monitor hosts: only the allow-list setting names them there.
/// </summary>
internal sealed record AzureCloud(string Name, string MonitorAudience, IReadOnlyList<string> MonitorHostSuffixes)
{
    // Ingestion endpoints per cloud (Application Insights connection strings: EndpointSuffix applicationinsights.azure.com,
    // applicationinsights.azure.cn, applicationinsights.us; the regional *.in.applicationinsights.* hosts and the global
    // dc.services.visualstudio.com of the public cloud), and the Monitor audience of each.
    public static readonly AzureCloud Public = new("AzureCloud", "https://monitor.azure.com", ["applicationinsights.azure.com", "services.visualstudio.com", "monitor.azure.com"]);
    public static readonly AzureCloud China = new("AzureChinaCloud", "https://monitor.azure.cn", ["applicationinsights.azure.cn", "monitor.azure.cn"]);
    public static readonly AzureCloud UsGovernment = new("AzureUSGovernment", "https://monitor.azure.us", ["applicationinsights.us", "monitor.azure.us"]);

    /// <summary>The cloud of <paramref name="options"/>' AuthorityHost.</summary>
    public static AzureCloud From(VmEventOptions options) => options.AuthorityHost.IdnHost.ToLowerInvariant() switch
    {
        "login.microsoftonline.com" => Public,
        "login.chinacloudapi.cn" or "login.partner.microsoftonline.cn" => China,
        "login.microsoftonline.us" => UsGovernment,
        var other => new AzureCloud("custom (" + other + ")", Public.MonitorAudience, []),
    };

    /// <summary>The audience of Key Vault tokens: the vault DNS suffix of the cloud (https://vault.azure.net, https://vault.azure.cn, ...).</summary>
    public static string KeyVaultAudience(VmEventOptions options) => "https://" + options.KeyVaultDnsSuffix.Trim('.').ToLowerInvariant();
}
