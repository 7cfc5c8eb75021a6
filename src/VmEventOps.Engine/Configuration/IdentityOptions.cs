namespace VmEventOps.Engine.Configuration;

/// <summary>Who the module is: the authentication mode and its credentials. Part of <see cref="VmEventOptions"/>; each property is the setting of the same name.</summary>
public sealed record IdentityOptions
{
    /// <summary>Microsoft Entra authority host; it also names the cloud whose Key Vault and Azure Monitor hosts may receive tokens.</summary>
    public Uri AuthorityHost { get; init; } = new("https://login.microsoftonline.com/");

    /// <summary>How to authenticate: Auto, ManagedIdentity, WorkloadIdentity, ServicePrincipal, AzureCli or Token.</summary>
    public AuthMode AuthMode { get; init; } = AuthMode.Auto;

    /// <summary>Client id of a user-assigned managed identity (system-assigned when empty).</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>Resource ID of a user-assigned managed identity (instead of its client id).</summary>
    public string? ManagedIdentityResourceId { get; init; }

    /// <summary>Microsoft Entra tenant id.</summary>
    public string? TenantId { get; init; }

    /// <summary>Service principal application (client) id.</summary>
    public string? ClientId { get; init; }

    /// <summary>Service principal client secret.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>Path of a service principal certificate (PEM or PFX).</summary>
    public string? ClientCertificatePath { get; init; }

    /// <summary>Password of the service principal certificate.</summary>
    public string? ClientCertificatePassword { get; init; }

    /// <summary>An access token passed in for local work (AuthMode Token); it is sent only to the audience its aud claim names.</summary>
    public string? AccessToken { get; init; }

    /// <summary>Names the type only: some of these settings are secrets.</summary>
    public override string ToString() => "IdentityOptions { values not shown }";
}
