namespace VmEventOps.Engine.Configuration;

/// <summary>How Azure Resource Manager is called: endpoint, audience, api-versions, retries and paging. Part of <see cref="VmEventOptions"/>; each property is the setting of the same name.</summary>
public sealed record ArmOptions
{
    /// <summary>Azure Resource Manager endpoint (sovereign clouds, emulators).</summary>
    public Uri ArmEndpoint { get; init; } = new("https://management.azure.com/");

    /// <summary>Audience of ARM tokens (sovereign clouds, emulators); the ARM endpoint when empty.</summary>
    public Uri? ArmAudience { get; init; }

    /// <summary>api-version of Microsoft.Compute requests (VM GET).</summary>
    public string ComputeApiVersion { get; init; } = "2024-11-01";

    /// <summary>api-version of Microsoft.Network requests (NIC GET).</summary>
    public string NetworkApiVersion { get; init; } = "2024-07-01";

    /// <summary>Longest wait an ARM request sleeps before trying again (a Retry-After the service names, or the client's own backoff); a service that names a longer wait fails the request VmArmThrottled at once, and the workflow defers the message (no attempt used up).</summary>
    public TimeSpan ArmMaxRetryWait { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Pages of one ARM list (nextLink) read at most; a longer list is cut there, with a warning.</summary>
    public int ArmMaxPages { get; init; } = 50;

    /// <summary>How long one invocation may run in its host (the Functions functionTimeout, which deploy/functionapp/profile.ps1 reads from host.json; 3 hours in the Automation sandbox): no ARM wait runs past it, less a tenth (at most 1 min) kept to route the message. Empty: no limit.</summary>
    public TimeSpan? InvocationTimeout { get; init; }

    /// <summary>ARM hosts outside the cloud's own Resource Manager (management.azure.com, ...) that may receive ARM tokens (Azure Stack, a private endpoint's name), comma-separated: host, *.domain, host:port. A host on this machine (an emulator) needs no entry; ArmAudience must still be an ARM audience of the cloud or name a listed host (or, on this machine, the endpoint itself).</summary>
    public IReadOnlyList<string> ArmAllowedHosts { get; init; } = [];
}
