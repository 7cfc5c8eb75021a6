using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Gets an access token with the identity the module uses for every Azure call.</para>
/// <para type="description">The credential comes from the AuthMode setting: Auto (an environment service principal, then
/// workload identity, then managed identity, then the Azure CLI; the one that answered is reported), ManagedIdentity
/// (system-assigned, or user-assigned by ManagedIdentityClientId or ManagedIdentityResourceId; App Service and Functions
/// through IDENTITY_ENDPOINT and IDENTITY_HEADER, VMs through IMDS), WorkloadIdentity, ServicePrincipal (ClientId with
/// ClientSecret or ClientCertificatePath), AzureCli, or Token (a token passed in with -AccessToken or
/// VMEVENTOPS_ACCESSTOKEN, for local work).</para>
/// <para type="description">Tokens are cached per identity, resource and tenant for the whole process and reused until five
/// minutes before they expire; concurrent callers share one request. TenantId, ObjectId, ClientId and IdentityType are
/// read from the token's JWT payload without checking its signature (the token is presented, not trusted); a token that
/// is not a JWT works, with those fields empty. The token is a SecureString unless -AsPlainText is given, and it never
/// appears in verbose, debug or error output.</para>
/// <example>
///   <code>Get-VmAccessToken</code>
///   <para>Gets an Azure Resource Manager token with the configured identity.</para>
/// </example>
/// <example>
///   <code>Get-VmAccessToken -ResourceType Storage -AuthMode ManagedIdentity -ManagedIdentityClientId 00000000-0000-0000-0000-000000000000</code>
///   <para>Gets a Storage token with a user-assigned managed identity.</para>
/// </example>
/// <example>
///   <code>$token = Get-VmAccessToken -AsPlainText; Invoke-RestMethod https://management.azure.com/subscriptions?api-version=2022-12-01 -Headers @{ Authorization = "Bearer $($token.Token)" }</code>
///   <para>Calls ARM directly with the token.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmAccessToken")]
[OutputType(typeof(VmAccessToken))]
public sealed class GetVmAccessTokenCommand : ConfiguredCmdlet
{
    /// <summary>
    /// <para type="description">The resource URI (audience) to get a token for, such as https://vault.azure.net. Overrides -ResourceType.</para>
    /// </summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Resource { get; set; }

    /// <summary>
    /// <para type="description">The service to get a token for: Arm (default; the ArmAudience setting), Storage, KeyVault, Sql or Automation.</para>
    /// </summary>
    [Parameter]
    [PSDefaultValue(Value = "Arm")]
    public TokenResourceType ResourceType { get; set; } = TokenResourceType.Arm;

    /// <summary>
    /// <para type="description">The tenant to get the token in, when it is not the identity's own.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>
    /// <para type="description">The credential to use: Auto, ManagedIdentity, WorkloadIdentity, ServicePrincipal, AzureCli or Token. Overrides the AuthMode setting.</para>
    /// </summary>
    [Parameter]
    public AuthMode? AuthMode { get; set; }

    /// <summary>
    /// <para type="description">The client id of a user-assigned managed identity. Overrides the ManagedIdentityClientId setting.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// <para type="description">A token to use with AuthMode Token (a SecureString or a string), for local work.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public object? AccessToken { get; set; }

    /// <summary>
    /// <para type="description">Return the token as a String instead of a SecureString.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    /// <summary>
    /// <para type="description">Ask the identity endpoint for a new token even when the cached one is still good.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter ForceRefresh { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var parameters = new SettingOverrides()
            .Set(o => o.AuthMode, AuthMode)
            .Set(o => o.ManagedIdentityClientId, ManagedIdentityClientId)
            .SetSecret(o => o.AccessToken, AsSecureString(AccessToken));
        var configuration = LoadConfiguration(parameters);
        var request = new AccessTokenRequest
        {
            Resource = Resource,
            ResourceType = ResourceType,
            TenantId = TenantId,
            AsPlainText = AsPlainText,
            ForceRefresh = ForceRefresh,
        };
        var provider = VmEventEngine.For(configuration.Options).Tokens;
        WriteObject(Run(token => provider.GetTokenAsync(request, Log, token)));
    }

    // -AccessToken takes a SecureString or text (a token from another tool); either way it travels as a SecureString
    // to the configuration, which reads it where it binds the options.
    private static SecureString? AsSecureString(object? value)
    {
        var unwrapped = value is PSObject wrapped ? wrapped.BaseObject : value;
        if (unwrapped is null or SecureString) return (SecureString?)unwrapped;
        var secure = new SecureString();
        foreach (var c in unwrapped.ToString() ?? string.Empty) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }
}
