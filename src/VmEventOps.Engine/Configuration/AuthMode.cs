namespace VmEventOps.Engine.Configuration;

/// <summary>How the module authenticates to Azure.</summary>
public enum AuthMode
{
    /// <summary>Environment service principal, then workload identity, then managed identity, then the Azure CLI.</summary>
    Auto,
    ManagedIdentity,
    WorkloadIdentity,
    ServicePrincipal,
    AzureCli,
    /// <summary>A token passed in (AccessToken), for local work.</summary>
    Token,
}
