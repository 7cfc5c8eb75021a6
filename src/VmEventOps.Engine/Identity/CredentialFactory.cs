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

    public static IReadOnlyList<CredentialOption> For(VmEventOptions options, TimeProvider time) => options.AuthMode switch
    {
        AuthMode.Auto =>
        [
            ServicePrincipalOrEnvironment(options),
            new(AuthMode.WorkloadIdentity, WorkloadIdentity(options)),
            new(AuthMode.ManagedIdentity, ManagedIdentity(options), HasManagedIdentityEnvironment() ? null : ManagedIdentityProbe),
            new(AuthMode.AzureCli, AzureCli(options)),
        ],
        AuthMode.ManagedIdentity => [new(AuthMode.ManagedIdentity, ManagedIdentity(options))],
        AuthMode.WorkloadIdentity => [new(AuthMode.WorkloadIdentity, WorkloadIdentity(options))],
        AuthMode.ServicePrincipal => [new(AuthMode.ServicePrincipal, ServicePrincipal(options) ?? throw NotConfigured(
            "AuthMode ServicePrincipal needs TenantId, ClientId and ClientSecret or ClientCertificatePath (VMEVENTOPS_TENANTID, VMEVENTOPS_CLIENTID, VMEVENTOPS_CLIENTSECRET / VMEVENTOPS_CLIENTCERTIFICATEPATH)."))],
        AuthMode.AzureCli => [new(AuthMode.AzureCli, AzureCli(options))],
        AuthMode.Token => [new(AuthMode.Token, new StaticTokenCredential(options.AccessToken ?? throw NotConfigured(
            "AuthMode Token needs an access token: -AccessToken or VMEVENTOPS_ACCESSTOKEN."), time))],
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.AuthMode, null),
    };

    /// <summary>
    /// True when the process runs where a local managed identity endpoint is announced (App Service, Functions,
    /// Arc, Cloud Shell), which answers at once. Elsewhere the managed identity is IMDS, probed with retries.
    /// </summary>
    public static bool HasManagedIdentityEnvironment() =>
        ManagedIdentityVariables.Any(name => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)));

    private static readonly string[] ManagedIdentityVariables = ["IDENTITY_ENDPOINT", "MSI_ENDPOINT"];

    private static CredentialOption ServicePrincipalOrEnvironment(VmEventOptions options) =>
        new(AuthMode.ServicePrincipal, ServicePrincipal(options) ?? new EnvironmentCredential(new EnvironmentCredentialOptions { AuthorityHost = options.AuthorityHost }));

    private static TokenCredential? ServicePrincipal(VmEventOptions options)
    {
        if (string.IsNullOrEmpty(options.TenantId) || string.IsNullOrEmpty(options.ClientId)) return null;
        if (!string.IsNullOrEmpty(options.ClientSecret))
        {
            return new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret, new ClientSecretCredentialOptions { AuthorityHost = options.AuthorityHost });
        }

        if (string.IsNullOrEmpty(options.ClientCertificatePath)) return null;
        // PEM or PFX; a PFX may be protected by ClientCertificatePassword.
        if (string.IsNullOrEmpty(options.ClientCertificatePassword))
        {
            return new ClientCertificateCredential(options.TenantId, options.ClientId, options.ClientCertificatePath, new ClientCertificateCredentialOptions { AuthorityHost = options.AuthorityHost });
        }

        var certificate = new X509Certificate2(options.ClientCertificatePath, options.ClientCertificatePassword);
        return new ClientCertificateCredential(options.TenantId, options.ClientId, certificate, new ClientCertificateCredentialOptions { AuthorityHost = options.AuthorityHost });
    }

    private static TokenCredential WorkloadIdentity(VmEventOptions options)
    {
        var workload = new WorkloadIdentityCredentialOptions { AuthorityHost = options.AuthorityHost };
        if (!string.IsNullOrEmpty(options.TenantId)) workload.TenantId = options.TenantId;
        if (!string.IsNullOrEmpty(options.ClientId)) workload.ClientId = options.ClientId;
        return new WorkloadIdentityCredential(workload);
    }

    private static TokenCredential ManagedIdentity(VmEventOptions options)
    {
        var id = !string.IsNullOrEmpty(options.ManagedIdentityClientId) ? ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId)
            : !string.IsNullOrEmpty(options.ManagedIdentityResourceId) ? ManagedIdentityId.FromUserAssignedResourceId(new ResourceIdentifier(options.ManagedIdentityResourceId))
            : ManagedIdentityId.SystemAssigned;
        return new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(id));
    }

    private static TokenCredential AzureCli(VmEventOptions options) =>
        new AzureCliCredential(new AzureCliCredentialOptions { TenantId = string.IsNullOrEmpty(options.TenantId) ? null : options.TenantId });

    private static VmEventOpsException NotConfigured(string message) => new(ErrorIds.AuthNotConfigured, VmErrorCategory.InvalidArgument, message, "AuthMode");
}
