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
    // ARM: the Resource Manager host of each cloud and its two audiences (the resource manager URL and the classic
    // management.core one); storage: the endpoint suffix of each cloud's accounts (<account>.queue.<suffix>), and the
    // public cloud's DNS-zone endpoints (<account>.z01.queue.storage.azure.net).
    public static readonly AzureCloud Public = new("AzureCloud", "https://monitor.azure.com", ["applicationinsights.azure.com", "services.visualstudio.com", "monitor.azure.com"])
    {
        ArmHosts = ["management.azure.com"],
        ArmAudiences = ["https://management.azure.com/", "https://management.core.windows.net/"],
        StorageSuffixes = ["core.windows.net", "storage.azure.net"],
    };

    public static readonly AzureCloud China = new("AzureChinaCloud", "https://monitor.azure.cn", ["applicationinsights.azure.cn", "monitor.azure.cn"])
    {
        ArmHosts = ["management.chinacloudapi.cn"],
        ArmAudiences = ["https://management.chinacloudapi.cn/", "https://management.core.chinacloudapi.cn/"],
        StorageSuffixes = ["core.chinacloudapi.cn"],
    };

    public static readonly AzureCloud UsGovernment = new("AzureUSGovernment", "https://monitor.azure.us", ["applicationinsights.us", "monitor.azure.us"])
    {
        ArmHosts = ["management.usgovcloudapi.net"],
        ArmAudiences = ["https://management.usgovcloudapi.net/", "https://management.core.usgovcloudapi.net/"],
        StorageSuffixes = ["core.usgovcloudapi.net"],
    };

    /// <summary>The Resource Manager hosts of the cloud (none built in for a custom one: only ArmAllowedHosts names them).</summary>
    public IReadOnlyList<string> ArmHosts { get; init; } = [];

    /// <summary>The audiences of ARM tokens in the cloud.</summary>
    public IReadOnlyList<string> ArmAudiences { get; init; } = [];

    /// <summary>The endpoint suffixes of storage accounts of the cloud (the first is the one account names are made into).</summary>
    public IReadOnlyList<string> StorageSuffixes { get; init; } = [];

    /// <summary>The cloud of <paramref name="options"/>' AuthorityHost.</summary>
    public static AzureCloud From(VmEventOptions options) => options.Identity.AuthorityHost.IdnHost.ToLowerInvariant() switch
    {
        "login.microsoftonline.com" => Public,
        "login.chinacloudapi.cn" or "login.partner.microsoftonline.cn" => China,
        "login.microsoftonline.us" => UsGovernment,
        var other => new AzureCloud("custom (" + other + ")", Public.MonitorAudience, []),
    };

    /// <summary>The audience of Key Vault tokens: the vault DNS suffix of the cloud (https://vault.azure.net, https://vault.azure.cn, ...).</summary>
    public static string KeyVaultAudience(VmEventOptions options) => "https://" + options.KeyVault.KeyVaultDnsSuffix.Trim('.').ToLowerInvariant();
}
