namespace VmEventOps;

/// <summary>How the module authenticates to Azure.</summary>
public enum AuthMode
{
    /// <summary>Environment service principal, then workload identity, then managed identity, then the Azure CLI.</summary>
    Auto,
    /// <summary>The managed identity of the Function app, Automation account or VM (AZURE_CLIENT_ID or ManagedIdentityClientId picks a user-assigned one).</summary>
    ManagedIdentity,
    /// <summary>Workload identity federation: a federated token file exchanged for an Entra ID token (AKS, GitHub Actions).</summary>
    WorkloadIdentity,
    /// <summary>A service principal: TenantId, ClientId and ClientSecret or a client certificate.</summary>
    ServicePrincipal,
    /// <summary>The signed-in Azure CLI (az login), for an admin's own shell.</summary>
    AzureCli,
    /// <summary>A token passed in (AccessToken), for local work.</summary>
    Token,
}
