using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Identity;

namespace VmEventOps.Engine.KeyVault;

/// <summary>
/// Reads one secret through Azure.Security.KeyVault.Secrets (its bearer challenge flow, retries with Retry-After)
/// and turns every failure into an error that names the setting, the vault and the secret — never a value.
/// </summary>
internal static class KeyVaultSecretReader
{
    private const string ReaderRole = "Key Vault Secrets User";


    public static async Task<string> ReadAsync(
        KeyVaultSettingReference setting, Uri vault, TokenCredential credential, VmEventOptions options, SecretClients clients, CancellationToken cancellationToken)
    {
        var reference = setting.Reference;
        var mode = options.Identity.AuthMode;
        KeyVaultHostPolicy.Require(setting, options);
        var audience = Identity.AzureCloud.KeyVaultAudience(options);
        var client = clients.For((vault, credential, audience, KeyVaultHostPolicy.IsVaultOfCloud(vault, options)), key => new SecretClient(
            key.Vault,
            // Whatever the vault's challenge names, this client can only ever get a Key Vault token.
            new Identity.AudienceGuardCredential(key.Credential, [key.Audience], $"The vault {key.Vault.Authority}", ErrorIds.KeyVaultRequestFailed),
            ClientOptions(key.OfCloud)));
        try
        {
            var secret = await client.GetSecretAsync(reference.SecretName, reference.Version, cancellationToken).ConfigureAwait(false);
            return secret.Value.Value ?? string.Empty;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            // Azure.Core's retries end in an AggregateException of every try when the vault could not be reached.
            throw Failure(setting, mode, failure);
        }
        catch (VmEventOpsException e)
        {
            // The credential could not get a token for the vault: keep its id and reason, say what it was for.
            throw new VmEventOpsException(e.ErrorId, e.Category, $"{About(setting)}: {e.Message}", setting.Name, e) { IsTransient = e.IsTransient };
        }
        catch (InvalidOperationException e) when (e.Message.Contains("challenge", StringComparison.OrdinalIgnoreCase))
        {
            // The SDK refuses a bearer challenge whose resource is not the vault's domain (a spoofed or misconfigured host).
            throw new VmEventOpsException(
                ErrorIds.KeyVaultRequestFailed, VmErrorCategory.AuthenticationError,
                $"{About(setting)}: the vault's authentication challenge does not match its host {vault.Host}, so no token was sent. Check the vault URI in the reference.",
                setting.Name, e);
        }
    }

    /// <summary>
    /// A vault of the cloud's own domain must be challenged for that domain (the SDK's check); a host KeyVaultAllowedHosts
    /// names (a private endpoint, an emulator) answers for Key Vault's audience under another name, which the guarded
    /// credential then limits to the Key Vault audience.
    /// </summary>
    internal static SecretClientOptions ClientOptions(bool vaultOfCloud)
    {
        var options = new SecretClientOptions { DisableChallengeResourceVerification = !vaultOfCloud };
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromSeconds(0.5);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        return options;
    }

    private static VmEventOpsException Failure(KeyVaultSettingReference setting, AuthMode mode, RequestFailedException e)
    {
        var reference = setting.Reference;
        var answered = e.Status switch
        {
            0 => "could not be reached",
            >= 300 and < 400 => $"answered {e.Status}, a redirect, which Key Vault never sends: the reference's URI is not a vault's",
            _ => $"answered {e.Status}{(string.IsNullOrWhiteSpace(e.ErrorCode) ? string.Empty : " " + SecretRedactor.Quote(e.ErrorCode, 60))}{InnerCode(e) switch { null => string.Empty, var inner => $" ({SecretRedactor.Quote(inner, 60)})" }}",
        };
        return e.Status switch
        {
            404 => new VmEventOpsException(
                ErrorIds.KeyVaultSecretNotFound, VmErrorCategory.ObjectNotFound,
                $"{About(setting)}: the vault has no secret '{reference.SecretName}'{(reference.Version is null ? string.Empty : $" with version {reference.Version}")}. Create it, or correct the reference. Key Vault {answered}.",
                setting.Name, e),
            403 when InnerCode(e) == "SecretDisabled" => new VmEventOpsException(
                ErrorIds.KeyVaultAccessDenied, VmErrorCategory.PermissionDenied,
                $"{About(setting)}: the secret{(reference.Version is null ? string.Empty : " version")} is disabled. Enable it, or reference another version.",
                setting.Name, e),
            401 or 403 => new VmEventOpsException(
                ErrorIds.KeyVaultAccessDenied, VmErrorCategory.PermissionDenied,
                $"{About(setting)}: the vault refused the module's identity (AuthMode {mode}). Grant that identity the role '{ReaderRole}' on the vault or the secret (in a vault that uses access policies: the Get permission on secrets). Key Vault {answered}.",
                setting.Name, e),
            429 => new VmEventOpsException(
                ErrorIds.KeyVaultThrottled, VmErrorCategory.LimitsExceeded,
                $"{About(setting)}: the vault is throttling requests; try again later. Key Vault {answered}.",
                setting.Name, e)
            { IsTransient = true, RetryAfter = AzureFailure.RetryAfter(e.GetRawResponse()) },
            _ => new VmEventOpsException(
                ErrorIds.KeyVaultRequestFailed, VmErrorCategory.ConnectionError,
                $"{About(setting)}: Key Vault {answered}.",
                setting.Name, e)
            { IsTransient = e.Status is 0 or 408 or >= 500 },
        };
    }

    private static string About(KeyVaultSettingReference setting) =>
        $"Setting {setting.Name} ({setting.Origin}) could not be read from Key Vault '{setting.Reference.VaultName}', secret '{setting.Reference.SecretName}'";

    // Key Vault's error body: {"error":{"code":"Forbidden","message":"...","innererror":{"code":"ForbiddenByRbac"}}}
    private static string? InnerCode(RequestFailedException e)
    {
        try
        {
            var content = e.GetRawResponse()?.Content;
            if (content is null || content.ToMemory().Length == 0) return null;
            using var document = JsonDocument.Parse(content.ToMemory());
            return document.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("innererror", out var inner)
                && inner.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
