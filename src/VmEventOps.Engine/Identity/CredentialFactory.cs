using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Identity;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Identity;

/// <summary>Builds the credentials of each AuthMode from the settings, with Azure.Identity.</summary>
internal static class CredentialFactory
{
    // In Auto mode, IMDS that does not answer within this is taken as absent (not on an Azure VM).
    private static readonly TimeSpan ManagedIdentityProbe = TimeSpan.FromSeconds(3);

    public static IReadOnlyList<CredentialOption> For(IdentityOptions identity, TimeProvider time) => identity.AuthMode switch
    {
        AuthMode.Auto =>
        [
            ServicePrincipalOrEnvironment(identity),
            new(AuthMode.WorkloadIdentity, WorkloadIdentity(identity)),
            new(AuthMode.ManagedIdentity, ManagedIdentity(identity), HasManagedIdentityEnvironment() ? null : ManagedIdentityProbe),
            new(AuthMode.AzureCli, AzureCli(identity)),
        ],
        AuthMode.ManagedIdentity => [new(AuthMode.ManagedIdentity, ManagedIdentity(identity))],
        AuthMode.WorkloadIdentity => [new(AuthMode.WorkloadIdentity, WorkloadIdentity(identity))],
        AuthMode.ServicePrincipal => [new(AuthMode.ServicePrincipal, ServicePrincipal(identity) ?? throw NotConfigured(
            "AuthMode ServicePrincipal needs TenantId, ClientId and ClientSecret or ClientCertificatePath (VMEVENTOPS_TENANTID, VMEVENTOPS_CLIENTID, VMEVENTOPS_CLIENTSECRET / VMEVENTOPS_CLIENTCERTIFICATEPATH)."))],
        AuthMode.AzureCli => [new(AuthMode.AzureCli, AzureCli(identity))],
        AuthMode.Token => [new(AuthMode.Token, new StaticTokenCredential(identity.AccessToken ?? throw NotConfigured(
            "AuthMode Token needs an access token: -AccessToken or VMEVENTOPS_ACCESSTOKEN."), time))],
        _ => throw new ArgumentOutOfRangeException(nameof(identity), identity.AuthMode, null),
    };

    /// <summary>
    /// True when the process runs where a local managed identity endpoint is announced (App Service, Functions,
    /// Arc, Cloud Shell), which answers at once. Elsewhere the managed identity is IMDS, probed with retries.
    /// </summary>
    public static bool HasManagedIdentityEnvironment() =>
        ManagedIdentityVariables.Any(name => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)));

    private static readonly string[] ManagedIdentityVariables = ["IDENTITY_ENDPOINT", "MSI_ENDPOINT"];

    private static CredentialOption ServicePrincipalOrEnvironment(IdentityOptions identity) =>
        new(AuthMode.ServicePrincipal, ServicePrincipal(identity) ?? new EnvironmentCredential(new EnvironmentCredentialOptions { AuthorityHost = identity.AuthorityHost }));

    private static TokenCredential? ServicePrincipal(IdentityOptions identity)
    {
        if (string.IsNullOrEmpty(identity.TenantId) || string.IsNullOrEmpty(identity.ClientId)) return null;
        if (!string.IsNullOrEmpty(identity.ClientSecret))
        {
            return new ClientSecretCredential(identity.TenantId, identity.ClientId, identity.ClientSecret, new ClientSecretCredentialOptions { AuthorityHost = identity.AuthorityHost });
        }

        if (string.IsNullOrEmpty(identity.ClientCertificatePath)) return null;
        // PEM or PFX; a PFX may be protected by ClientCertificatePassword.
        if (string.IsNullOrEmpty(identity.ClientCertificatePassword))
        {
            return new ClientCertificateCredential(identity.TenantId, identity.ClientId, identity.ClientCertificatePath, new ClientCertificateCredentialOptions { AuthorityHost = identity.AuthorityHost });
        }

        var certificate = new X509Certificate2(identity.ClientCertificatePath, identity.ClientCertificatePassword);
        return new ClientCertificateCredential(identity.TenantId, identity.ClientId, certificate, new ClientCertificateCredentialOptions { AuthorityHost = identity.AuthorityHost });
    }

    private static TokenCredential WorkloadIdentity(IdentityOptions identity)
    {
        var workload = new WorkloadIdentityCredentialOptions { AuthorityHost = identity.AuthorityHost };
        if (!string.IsNullOrEmpty(identity.TenantId)) workload.TenantId = identity.TenantId;
        if (!string.IsNullOrEmpty(identity.ClientId)) workload.ClientId = identity.ClientId;
        return new WorkloadIdentityCredential(workload);
    }

    private static TokenCredential ManagedIdentity(IdentityOptions identity)
    {
        var id = !string.IsNullOrEmpty(identity.ManagedIdentityClientId) ? ManagedIdentityId.FromUserAssignedClientId(identity.ManagedIdentityClientId)
            : !string.IsNullOrEmpty(identity.ManagedIdentityResourceId) ? ManagedIdentityId.FromUserAssignedResourceId(new ResourceIdentifier(identity.ManagedIdentityResourceId))
            : ManagedIdentityId.SystemAssigned;
        return new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(id));
    }

    private static TokenCredential AzureCli(IdentityOptions identity) =>
        new AzureCliCredential(new AzureCliCredentialOptions { TenantId = string.IsNullOrEmpty(identity.TenantId) ? null : identity.TenantId });

    private static VmEventOpsException NotConfigured(string message) => new(ErrorIds.AuthNotConfigured, VmErrorCategory.InvalidArgument, message, "AuthMode");
}
